using System.Text.Json;
using Topo.Core.Tests.Support;
using Topo.Scenarios.Support;

namespace Topo.Scenarios.Cli;

public sealed class PlanCommandTests
{
    private static readonly string EmptyState = Repo.PathOf("examples/states/empty.json");
    private static readonly string HostWithUplink = Repo.PathOf("examples/states/host-with-uplink.json");

    /// <summary>Each --format and the extension of its approved file.</summary>
    internal static readonly (string Format, string Extension)[] Formats = [("text", "txt"), ("json", "json"), ("markdown", "md")];

    public static TheoryData<string> Examples() => [.. Repo.Examples().Select(p => Path.GetFileNameWithoutExtension(p))];

    [Theory]
    [MemberData(nameof(Examples))]
    public void Plan_of_each_example_against_an_empty_host_matches_its_snapshot_in_every_format(string example)
    {
        var file = Repo.PathOf($"examples/{example}.yaml");
        // Macvlan needs its parent NIC: plan those against a host that has one.
        var state = example.StartsWith("macvlan", StringComparison.Ordinal) ? HostWithUplink : EmptyState;
        foreach (var (format, extension) in Formats)
        {
            var first = CliRunner.Run("plan", file, "--state", state, "--format", format);
            Assert.True(first.ExitCode == 0, first.Error);
            var second = CliRunner.Run("plan", file, "--state", state, "--format", format);
            Assert.Equal(first.Out, second.Out); // byte-identical, run after run
            Golden.Verify(ApprovedPlan(example, extension), first.Out);
        }
    }

    /// <summary>An example's approved plan, relative to <see cref="Golden.Directory"/>.</summary>
    internal static string ApprovedPlan(string example, string extension) => $"../../Topo.Scenarios/cases/{example}/plan.{extension}";

    [Fact]
    public void Wordpress_plan_lists_every_kind_of_object_topo_creates()
    {
        var result = CliRunner.Run("plan", Repo.PathOf("examples/wordpress.yaml"), "--state", EmptyState, "--format", "json");
        using var json = JsonDocument.Parse(result.Out);
        var kinds = json.RootElement.GetProperty("actions").EnumerateArray()
            .Select(a => a.GetProperty("resource").GetProperty("kind").GetString()).ToHashSet();
        Assert.Superset(new HashSet<string?> { "namespace", "link", "address", "route", "sysctl" }, kinds);
        Assert.Contains("topo:wordpress:", result.Out);
    }

    [Fact]
    public void Against_base_shows_only_the_new_interface_of_the_container_that_joined_a_network_and_the_hosts_files_that_list_it()
    {
        var result = CliRunner.Run("plan", Repo.PathOf("tests/Topo.Scenarios/fixtures/against/change.yaml"),
            "--against", Repo.PathOf("tests/Topo.Scenarios/fixtures/against/base.yaml"), "--format", "json");
        Assert.True(result.ExitCode == 0, result.Error);
        using var json = JsonDocument.Parse(result.Out);
        var all = json.RootElement.GetProperty("actions").EnumerateArray()
            .Select(a => (Kind: a.GetProperty("resource").GetProperty("kind").GetString(),
                Line: $"{a.GetProperty("action").GetString()} {a.GetProperty("resource").GetProperty("key").GetString()}"))
            .ToList();
        // web is named on back now: in its own hosts file and in those of api and db, back's other members.
        Assert.Equal(["update api/hosts", "update db/hosts", "update web/hosts"], all.Where(a => a.Kind == "file").Select(a => a.Line));
        var actions = all.Where(a => a.Kind != "file").Select(a => a.Line).ToList();
        Assert.Equal(2, actions.Count);
        Assert.Matches("^create veth[0-9a-f]{7}$", actions[0]);
        Assert.Equal("create web/eth1 10.20.0.3/24", actions[1]);
        var veth = json.RootElement.GetProperty("actions")[0];
        Assert.Equal("web/eth1", veth.GetProperty("includes")[0].GetProperty("key").GetString());
    }

    [Fact]
    public void A_markdown_plan_fits_a_pull_request_comment_and_says_what_it_left_out()
    {
        var containers = string.Join("\n", Enumerable.Range(1, 200).Select(i => $"  c{i}: {{networks: [lan], ports: [\"{10000 + i}:80\"]}}"));
        var spec = TempSpec.Write($"version: 1\nname: big\nnetworks:\n  lan: {{subnet: 10.30.0.0/16}}\ncontainers:\n{containers}\n");
        var empty = TempSpec.Write("version: 1\nname: big\n");

        var comment = CliRunner.Run("plan", spec, "--against", empty, "--format", "markdown");
        Assert.True(comment.ExitCode == 0, comment.Error);
        Assert.InRange(comment.Out.Length, 60_000, 65_536); // GitHub's limit, nearly filled
        Assert.Contains("> **Not shown:** the full plan, the topology diagram and the rows of ", comment.Out);
        var whole = CliRunner.Run("plan", spec, "--against", empty, "--format", "markdown", "--comment-limit", "0");
        Assert.True(whole.Out.Length > 200_000, $"{whole.Out.Length}");
        Assert.DoesNotContain("Not shown", whole.Out);
        Assert.StartsWith(comment.Out[..comment.Out.IndexOf("\n> **Not shown", StringComparison.Ordinal)], whole.Out);

        var text = CliRunner.Run("plan", spec, "--against", empty, "--comment-limit", "5000");
        Assert.Equal(1, text.ExitCode);
        Assert.Contains("--comment-limit applies to --format markdown only", text.Error);
        var tiny = CliRunner.Run("plan", spec, "--against", empty, "--format", "markdown", "--comment-limit", "10");
        Assert.Equal(1, tiny.ExitCode);
        Assert.Contains("--comment-limit is a number of characters, at least 1000", tiny.Error);
    }

    [Fact]
    public void Detailed_exitcode_is_2_with_changes_and_0_without()
    {
        var file = Repo.PathOf("examples/wordpress.yaml");
        Assert.Equal(2, CliRunner.Run("plan", file, "--state", EmptyState, "--detailed-exitcode").ExitCode);
        Assert.Equal(0, CliRunner.Run("plan", file, "--against", file, "--detailed-exitcode").ExitCode);
        Assert.Equal(0, CliRunner.Run("plan", file, "--state", EmptyState).ExitCode);
    }

    [Fact]
    public void Macvlan_on_a_parent_the_host_lacks_is_an_error_naming_it()
    {
        var result = CliRunner.Run("plan", Repo.PathOf("examples/macvlan.yaml"), "--state", EmptyState);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("parent interface uplink0 does not exist on this host", result.Error);
    }

    [Fact]
    public void A_user_network_named_like_the_default_bridge_is_a_validation_error_and_plan_does_not_crash()
    {
        var file = TempSpec.Write("""
            version: 1
            name: shop
            networks:
              back:
                bridge_name: topo0
            containers:
              web:
                networks: [back]
              old: {}
            """);
        var expected = $"{file}:5:18: error: bridge_name topo0 is the interface of the default bridge (network 'bridge', shared by every project); choose another name\n";
        var validate = CliRunner.Run("validate", file);
        Assert.Equal((1, expected), (validate.ExitCode, validate.Error));
        var plan = CliRunner.Run("plan", file, "--state", EmptyState);
        Assert.Equal((1, expected, ""), (plan.ExitCode, plan.Error, plan.Out));
    }

    [Fact]
    public void Two_networks_wanting_one_interface_name_is_an_error_not_a_crash()
    {
        var file = TempSpec.Write($$"""
            version: 1
            name: shop
            networks:
              back: {}
              front:
                bridge_name: {{Topo.Core.Resolution.Naming.BridgeName("shop", "back")}}
            containers:
              web:
                networks: [back, front]
            """);
        Assert.Equal(0, CliRunner.Run("validate", file).ExitCode); // needs the project's hashing: found when resolving
        var plan = CliRunner.Run("plan", file, "--state", EmptyState);
        Assert.Equal(1, plan.ExitCode);
        Assert.StartsWith($"{file}:6:18: error: interface br-", plan.Error);
        Assert.Contains("choose another bridge_name", plan.Error);
    }

    [Fact]
    public void A_broken_snapshot_is_an_error_naming_the_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"topo-bad-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, "{\"format\": \"nope\"}");
        try
        {
            var result = CliRunner.Run("plan", Repo.PathOf("examples/wordpress.yaml"), "--state", path);
            Assert.Equal(1, result.ExitCode);
            Assert.StartsWith(path + ":", result.Error);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void State_and_against_together_are_refused()
    {
        var file = Repo.PathOf("examples/wordpress.yaml");
        var result = CliRunner.Run("plan", file, "--state", EmptyState, "--against", file);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("cannot be used together", result.Error);
    }
}
