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
        var result = Resolver.Resolve(loaded.File!, HostState.Empty);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result.Topology!;
    }

    /// <summary>`nft -j list table` run by the nft tool inside the namespace, parsed.</summary>
    private static Ruleset? ListWithNftTool(Sandbox.Sandbox sandbox, string table)
    {
        var tables = Sandbox.Sandbox.Run("nsenter", $"--net={sandbox.Host.Path} nft list tables");
        if (!tables.Contains($"table ip {table}", StringComparison.Ordinal)) return null;
        return NftJson.Parse(Sandbox.Sandbox.Run("nsenter", $"--net={sandbox.Host.Path} nft -j list table ip {table}"), "ip", table);
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
            Assert.Null(nft.ReadTable("ip", built.Table));
            nft.Replace(built);

            var seenByTool = ListWithNftTool(sandbox, built.Table);
            Assert.NotNull(seenByTool);
            Assert.Equal(built.ToText(), seenByTool.ToText());
            Assert.True(seenByTool.SameTable(built));

            var read = nft.ReadTable("ip", built.Table);
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
        Assert.True(nft.ReadTable("ip", built.Table)!.SameTable(built));

        // A smaller ruleset replaces the bigger one entirely: no leftover rule or chain.
        var smaller = built with
        {
            Chains = [.. built.Chains.Where(c => c.Name == RulesetBuilder.FilterForward)],
            Rules = [.. built.Rules.Where(r => r.Chain == RulesetBuilder.FilterForward).Take(2)],
        };
        nft.Replace(smaller);
        var read = nft.ReadTable("ip", built.Table)!;
        Assert.True(read.SameTable(smaller), read.ToText());

        nft.Replace(built);
        Assert.True(nft.ReadTable("ip", built.Table)!.SameTable(built));
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
        nft.DeleteTable("ip", built.Table);
        Assert.Null(nft.ReadTable("ip", built.Table));
        Assert.Null(ListWithNftTool(sandbox, built.Table));
        Assert.Equal([("inet", "someone-else")], nft.ListTables());
        nft.DeleteTable("ip", built.Table); // absent: no error
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
        Assert.Null(nft.ReadTable("ip", built.Table));
    }
}
