using Topo.Core.Composition;
using Topo.Core.Firewall;
using Topo.Core.Model;
using Topo.Core.Resolution;
using Topo.Core.Spec;
using Topo.Linux.Nftables;

namespace Topo.Linux.Tests.Nftables;

/// <summary>libnftables in a sandbox namespace: nothing here touches the machine's own ruleset.</summary>
public sealed class NftablesClientTests
{
    internal const string Yaml = """
        version: 1
        name: nfttest
        networks:
          front: {subnet: 10.98.1.0/24}
          back: {subnet: 10.98.2.0/24, internal: true}
          quiet: {subnet: 10.98.3.0/24, icc: false, bridge_name: quiet0}
        containers:
          web:
            networks: [front, back]
            ports: ["80:8080", "127.0.0.1:8443:8080", "5353:53/udp"]
          db: {networks: [back]}
          box: {networks: [quiet]}
        """;

    internal static Topology Resolve(string yaml)
    {
        var loaded = SpecLoader.Parse(yaml, "test.yaml");
        Assert.False(loaded.HasErrors, string.Join("\n", loaded.Diagnostics));
        var result = DesiredHost.Resolve(loaded.File!, HostState.Empty);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result.Topology!;
    }

    /// <summary>`nft -j list table` run by the nft tool inside the namespace, parsed.</summary>
    private static Ruleset? ListWithNftTool(Sandbox.Sandbox sandbox, string table)
    {
        var tables = Sandbox.Sandbox.Run("nsenter", $"--net={sandbox.Host.Path} nft list tables");
        if (!tables.Contains($"table inet {table}", StringComparison.Ordinal)) return null;
        return NftJson.Parse(Sandbox.Sandbox.Run("nsenter", $"--net={sandbox.Host.Path} nft -j list table inet {table}"), "inet", table);
    }

    private static void AssertMachineHasNoTopoTable() =>
        Assert.DoesNotContain("topo-", Sandbox.Sandbox.Run("nft", "list tables"));

    [Fact]
    public void Replace_installs_the_table_as_built_and_reads_back_equal()
    {
        Sandbox.Sandbox.SkipUnlessRoot();
        AssertMachineHasNoTopoTable();
        var built = RulesetBuilder.Build(Resolve(Yaml));
        using (var sandbox = Sandbox.Sandbox.Create())
        using (var nft = new NftablesClient(sandbox.Thread, sandbox.Host))
        {
            Assert.Null(nft.ReadTable("inet", built.Table));
            nft.Replace(built);

            var seenByTool = ListWithNftTool(sandbox, built.Table);
            Assert.NotNull(seenByTool);
            Assert.Equal(built.ToText(), seenByTool.ToText());
            Assert.True(seenByTool.SameTable(built));

            var read = nft.ReadTable("inet", built.Table);
            Assert.NotNull(read);
            Assert.Equal(built.ToText(), read.ToText());
            Assert.True(read.SameTable(built));
            AssertMachineHasNoTopoTable();
        }
        AssertMachineHasNoTopoTable();
    }

    [Fact]
    public void Replace_twice_is_idempotent_and_replaces_changed_rules_and_chains()
    {
        Sandbox.Sandbox.SkipUnlessRoot();
        var built = RulesetBuilder.Build(Resolve(Yaml));
        using var sandbox = Sandbox.Sandbox.Create();
        using var nft = new NftablesClient(sandbox.Thread, sandbox.Host);
        nft.Replace(built);
        nft.Replace(built);
        Assert.True(nft.ReadTable("inet", built.Table)!.SameTable(built));

        // A smaller ruleset replaces the bigger one entirely: no leftover rule or chain.
        var smaller = built with
        {
            Chains = [.. built.Chains.Where(c => c.Name == RulesetBuilder.FilterForward)],
            Rules = [.. built.Rules.Where(r => r.Chain == RulesetBuilder.FilterForward).Take(2)],
        };
        nft.Replace(smaller);
        var read = nft.ReadTable("inet", built.Table)!;
        Assert.True(read.SameTable(smaller), read.ToText());

        nft.Replace(built);
        Assert.True(nft.ReadTable("inet", built.Table)!.SameTable(built));
    }

    /// <summary>
    /// A change of elements is applied as element deletions and additions in one transaction: the
    /// rules stay where they are (same handles), and the table reads back as the new one. An
    /// element whose data changes is deleted and added again in the same batch.
    /// </summary>
    [Fact]
    public void Element_changes_leave_the_rules_in_place()
    {
        Sandbox.Sandbox.SkipUnlessRoot();
        var built = RulesetBuilder.Build(Resolve(Yaml));
        var grown = RulesetBuilder.Build(Resolve(Yaml.Replace("""db: {networks: [back]}""", """db: {networks: [back, front], ports: ["9000-9100:9000-9100", "8081:81"]}""")));
        Assert.True(built.SameSkeleton(grown));
        using var sandbox = Sandbox.Sandbox.Create();
        using var nft = new NftablesClient(sandbox.Thread, sandbox.Host);
        nft.Replace(built);
        var handles = RuleHandles(sandbox, built.Table);

        var added = grown.Elements.Except(built.Elements).ToList();
        var removed = built.Elements.Except(grown.Elements).ToList();
        Assert.NotEmpty(added);
        nft.Apply(NftJson.WriteElements("inet", built.Table, removed, added));
        Assert.True(nft.ReadTable("inet", built.Table)!.SameTable(grown));
        Assert.Equal(handles, RuleHandles(sandbox, built.Table));

        // The same key with other data: deleted and added in one batch.
        var publish = grown.Elements.First(e => e.Set == FirewallSets.Publish);
        var moved = publish with { Value = publish.Value!.Replace(",8080]", ",8088]"), ValueText = publish.ValueText!.Replace(" . 8080", " . 8088") };
        Assert.NotEqual(publish, moved);
        nft.Apply(NftJson.WriteElements("inet", built.Table, [publish], [moved]));
        Assert.True(nft.ReadTable("inet", built.Table)!.SameTable(grown with { Elements = grown.Elements.Replace(publish, moved) }));

        nft.Apply(NftJson.WriteElements("inet", built.Table, [.. added.Where(e => e != publish), moved], [publish]));
        Assert.True(nft.ReadTable("inet", built.Table)!.SameTable(built));
        Assert.Equal(handles, RuleHandles(sandbox, built.Table));
    }

    private static List<long> RuleHandles(Sandbox.Sandbox sandbox, string table)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(Sandbox.Sandbox.Run("nsenter", $"--net={sandbox.Host.Path} nft -j -a list table inet {table}"));
        return [.. doc.RootElement.GetProperty("nftables").EnumerateArray()
            .Where(i => i.TryGetProperty("rule", out _)).Select(i => i.GetProperty("rule").GetProperty("handle").GetInt64())];
    }

    [Fact]
    public void Delete_removes_the_table_and_only_it()
    {
        Sandbox.Sandbox.SkipUnlessRoot();
        var built = RulesetBuilder.Build(Resolve(Yaml));
        using var sandbox = Sandbox.Sandbox.Create();
        using var nft = new NftablesClient(sandbox.Thread, sandbox.Host);
        nft.Run("add table inet someone-else");
        nft.Replace(built);
        nft.DeleteTable("inet", built.Table);
        Assert.Null(nft.ReadTable("inet", built.Table));
        Assert.Null(ListWithNftTool(sandbox, built.Table));
        Assert.Equal([("inet", "someone-else")], nft.ListTables());
        nft.DeleteTable("inet", built.Table); // absent: no error
    }

    [Fact]
    public void Errors_carry_nfts_text_and_change_nothing()
    {
        Sandbox.Sandbox.SkipUnlessRoot();
        var built = RulesetBuilder.Build(Resolve(Yaml));
        using var sandbox = Sandbox.Sandbox.Create();
        using var nft = new NftablesClient(sandbox.Thread, sandbox.Host);

        var text = Assert.Throws<NftablesException>(() => nft.Run("add rule ip nosuch c drop"));
        Assert.Contains("No such file or directory", text.Error);

        // A batch whose last rule is invalid (nat statement in a filter chain) is rejected whole.
        var broken = built with
        {
            Rules = built.Rules.Add(new RuleSpec(RulesetBuilder.FilterForward, "bad", "[{\"masquerade\":null}]", "masquerade")),
        };
        Assert.Throws<NftablesException>(() => nft.Replace(broken));
        Assert.Null(nft.ReadTable("inet", built.Table));
    }
}
