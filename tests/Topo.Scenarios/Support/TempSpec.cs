namespace Topo.Scenarios.Support;

/// <summary>Topology files written by tests, under the test output folder (not /tmp, where they would pile up).</summary>
internal static class TempSpec
{
    private static readonly string Folder = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "specs")).FullName;

    public static string Write(string yaml)
    {
        var path = Path.Combine(Folder, $"{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }
}
