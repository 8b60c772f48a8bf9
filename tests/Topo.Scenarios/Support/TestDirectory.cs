namespace Topo.Scenarios.Support;

/// <summary>Removes a test's working directory.</summary>
internal static class TestDirectory
{
    /// <summary>
    /// A watcher that got SIGTERM as the script ended may still write its last log line while the
    /// directory goes ("Directory not empty"): a few tries, then the error stands.
    /// </summary>
    public static void Delete(string path)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                Directory.Delete(path, recursive: true);
                return;
            }
            catch (IOException) when (attempt < 20 && Directory.Exists(path))
            {
                Thread.Sleep(100);
            }
        }
    }
}
