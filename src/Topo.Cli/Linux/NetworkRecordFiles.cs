using Topo.Core.Inventory;

namespace Topo.Cli.Linux;

/// <summary>
/// Network records (<see cref="NetworkRecord"/>) as files: RUN/networks/OWNER.json, RUN being
/// /run/topo (TOPO_RUN_DIR moves it). On tmpfs, like the bridges they describe: a reboot takes both.
/// Written whole through <see cref="Topo.Linux.SafeFile"/>; an owner with no records has no file.
/// </summary>
internal sealed class NetworkRecordFiles(string directory)
{
    public static NetworkRecordFiles Default() => new(Path.Combine(
        Environment.GetEnvironmentVariable("TOPO_RUN_DIR") is { Length: > 0 } run ? run : "/run/topo", "networks"));

    public string Directory { get; } = directory;

    private string PathOf(string owner) => Path.Combine(Directory, owner + ".json");

    public IReadOnlyList<NetworkRecord> Read(string owner)
    {
        try
        {
            return NetworkRecordsJson.Read(File.ReadAllBytes(PathOf(owner)));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    public void Write(string owner, IReadOnlyList<NetworkRecord> records)
    {
        if (records.Count == 0)
        {
            File.Delete(PathOf(owner));
            return;
        }
        System.IO.Directory.CreateDirectory(Directory);
        Topo.Linux.SafeFile.Replace(PathOf(owner), NetworkRecordsJson.Write(owner, records));
    }
}
