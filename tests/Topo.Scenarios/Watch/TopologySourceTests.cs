using Topo.Cli.Commands.Watch;
using Topo.Scenarios.Support;

namespace Topo.Scenarios.Watch;

/// <summary>The watcher's file: the last good version stays in force until a better one arrives.</summary>
public sealed class TopologySourceTests
{
    private const string Good = "version: 1\nname: shop\nnetworks:\n  lan: {subnet: 10.1.0.0/24}\ncontainers:\n  web: {networks: [lan]}\n";

    [Fact]
    public void A_broken_file_keeps_the_last_good_topology_and_says_where_it_is_broken()
    {
        var path = TempSpec.Write(Good);
        var source = new TopologySource(path);
        Assert.True(source.Reload() is { Valid: true, Changed: true });
        var good = source.Current;

        File.WriteAllText(path, Good.Replace("10.1.0.0/24", "10.1.0.0/33"));
        var broken = source.Reload();

        Assert.False(broken.Valid);
        Assert.Same(good, source.Current);
        Assert.Equal(Good, source.CurrentText);
        var error = Assert.Single(broken.Diagnostics).ToString();
        Assert.StartsWith($"{path}:4:", error);
        Assert.Contains("10.1.0.0/33", error);
    }

    [Fact]
    public void The_same_content_again_is_no_change_and_a_new_content_replaces_it()
    {
        var path = TempSpec.Write(Good);
        var source = new TopologySource(path);
        source.Reload();
        var fingerprint = source.Fingerprint;
        Assert.True(source.Reload() is { Valid: true, Changed: false });

        File.WriteAllText(path, Good + "  db: {networks: [lan]}\n");
        Assert.True(source.Reload() is { Valid: true, Changed: true });
        Assert.Equal(["web", "db"], source.Current!.Containers.Select(c => c.Name));
        Assert.NotEqual(fingerprint, source.Fingerprint);
    }

    [Fact]
    public void A_new_project_name_is_refused_so_the_old_projects_objects_are_not_orphaned()
    {
        var path = TempSpec.Write(Good);
        var source = new TopologySource(path);
        source.Reload();
        File.WriteAllText(path, Good.Replace("name: shop", "name: store"));

        var renamed = source.Reload();

        Assert.False(renamed.Valid);
        Assert.Equal("shop", source.Current!.Name);
        Assert.Contains("project name changed from \"shop\" to \"store\"", Assert.Single(renamed.Diagnostics).Message);
    }

    [Fact]
    public void A_missing_file_is_an_error_that_names_it()
    {
        var source = new TopologySource(Path.Combine(AppContext.BaseDirectory, "no-such-topology.yaml"));
        var result = source.Reload();
        Assert.False(result.Valid);
        Assert.Contains("no-such-topology.yaml", Assert.Single(result.Diagnostics).ToString());
        Assert.Null(source.Current);
    }
}
