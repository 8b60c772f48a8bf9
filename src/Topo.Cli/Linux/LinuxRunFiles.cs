namespace Topo.Cli.Linux;

/// <summary><see cref="Topo.Linux.SafeFile"/> behind the CLI's port.</summary>
internal sealed class LinuxRunFiles : IRunFiles
{
    public static LinuxRunFiles Instance { get; } = new();

    public void Replace(string path, byte[] content) => Topo.Linux.SafeFile.Replace(path, content);

    public IDisposable? TryLock(string path) => Topo.Linux.SafeFile.TryLock(path);
}
