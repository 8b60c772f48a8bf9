using Topo.Scenarios.Support;

namespace Topo.Scenarios.Cli;

/// <summary>
/// Commands reach the host only through their ports (IHostAccess, IRunFiles, exec) and handle only
/// Topo.Core's errors, so the in-memory host can stand in for Linux in every command test. The
/// one place that meets Topo.Linux is the composition root, src/Topo.Cli/Linux/.
/// </summary>
public sealed class ArchitectureTests
{
    private const string CompositionRoot = "src/Topo.Cli/Linux/";

    [Fact]
    public void No_file_of_the_CLI_outside_its_composition_root_mentions_Topo_Linux()
    {
        var cli = Repo.PathOf("src/Topo.Cli");
        var offenders = Directory.EnumerateFiles(cli, "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Repo.Root, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith(CompositionRoot, StringComparison.Ordinal) && !f.Contains("/obj/") && !f.Contains("/bin/"))
            .Where(f => File.ReadAllText(Repo.PathOf(f)).Contains("Topo.Linux", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.True(offenders.Count == 0, $"only {CompositionRoot} may use Topo.Linux; also mentioned in: {string.Join(", ", offenders)}");
    }

    [Fact]
    public void The_composition_root_exists_where_the_rule_above_says()
    {
        // Renaming the folder must not make the rule pass by excluding nothing.
        Assert.True(File.Exists(Repo.PathOf(CompositionRoot + "LinuxContext.cs")));
    }
}
