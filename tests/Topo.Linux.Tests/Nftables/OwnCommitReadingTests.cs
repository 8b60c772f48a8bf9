using Topo.Core.Firewall;
using Topo.Linux.Nftables;

namespace Topo.Linux.Tests.Nftables;

/// <summary>
/// Reading a table again after our own element batch: only the sets the batch changed are read
/// (over netlink), the rest is the last reading, and only while nftables' generation says nothing
/// else was committed. What is read is the kernel's: a wrong write shows.
/// </summary>
public sealed class OwnCommitReadingTests
{
    private static readonly string MoreYaml = SetElementCodecTests.Yaml + """

          extra:
            networks: [front]
            ports: ["7777:77", "7800-7810:7800-7810"]
        """;

    private static (Ruleset Before, Ruleset After, List<ElementSpec> Delete, List<ElementSpec> Add) Change()
    {
        var before = RulesetBuilder.Build(NftablesClientTests.Resolve(SetElementCodecTests.Yaml));
        var after = RulesetBuilder.Build(NftablesClientTests.Resolve(MoreYaml));
        Assert.True(before.SameSkeleton(after));
        var delete = before.Elements.Except(after.Elements).ToList();
        var add = after.Elements.Except(before.Elements).ToList();
        Assert.NotEmpty(add);
        return (before, after, delete, add);
    }

    /// <summary>What libnftables lists, through a client of its own (no readings, no cache).</summary>
    private static Ruleset Listed(Sandbox.Sandbox sandbox, string table)
    {
        using var fresh = new NftablesClient(sandbox.Thread, sandbox.Host);
        return fresh.ListTable("inet", table)!;
    }

    [Fact]
    public void After_our_own_element_batch_only_the_sets_it_changed_are_read_again()
    {
        Sandbox.Sandbox.SkipUnlessRoot();
        var (before, after, delete, add) = Change();
        using var sandbox = Sandbox.Sandbox.Create();
        var cache = new TableListingCache(Path.Combine(sandbox.Root, "nft-cache"));
        using var nft = new NftablesClient(sandbox.Thread, sandbox.Host) { ListingCache = cache };
        nft.Replace(before);
        Assert.True(nft.ListTable("inet", before.Table)!.SameTable(before));
        Assert.Equal(1, nft.Listings);

        nft.ApplyElements("inet", before.Table, delete, add, "test");
        var read = nft.ListTable("inet", before.Table)!;
        Assert.Equal(1, nft.Listings);   // not listed again
        Assert.Equal(add.Concat(delete).Select(e => e.Set).Distinct().Count(), nft.SetsReadAgain);
        Assert.True(read.SameTable(after));
        Assert.True(read.SameTable(Listed(sandbox, before.Table)));
        // Kept for the next command as a listing would be: it holds the new elements.
        Assert.Contains("publish 0.0.0.0:7777/tcp to extra:77", File.ReadAllText(Path.Combine(cache.Directory, $"inet-{before.Table}.json")), StringComparison.Ordinal);

        // Nothing committed since: the same reading, nothing read.
        Assert.True(nft.ListTable("inet", before.Table)!.SameTable(after));
        Assert.Equal((1, add.Concat(delete).Select(e => e.Set).Distinct().Count()), (nft.Listings, nft.SetsReadAgain));
    }

    [Fact]
    public void An_element_written_wrong_is_read_as_the_kernel_has_it()
    {
        Sandbox.Sandbox.SkipUnlessRoot();
        var (before, after, delete, add) = Change();
        using var sandbox = Sandbox.Sandbox.Create();
        using var nft = new NftablesClient(sandbox.Thread, sandbox.Host);
        nft.Replace(before);
        nft.ListTable("inet", before.Table);

        // An applier bug: the publish element of port 7777 leads to the wrong container port.
        var right = add.Single(e => e.Set == FirewallSets.Publish && e.KeyText.EndsWith(" . 7777", StringComparison.Ordinal));
        var wrong = right with { Value = right.Value!.Replace(",77]", ",78]", StringComparison.Ordinal), ValueText = right.ValueText!.Replace(" . 77", " . 78", StringComparison.Ordinal) };
        Assert.NotEqual(right.Value, wrong.Value);
        nft.ApplyElements("inet", before.Table, delete, [.. add.Select(e => e == right ? wrong : e)], "test");

        var read = nft.ListTable("inet", before.Table)!;
        Assert.Equal(1, nft.Listings);
        Assert.False(read.SameTable(after));
        Assert.Contains(wrong, read.Elements);
        Assert.DoesNotContain(right, read.Elements);
        Assert.True(read.SameTable(Listed(sandbox, before.Table)));
    }

    [Fact]
    public void Anyone_elses_commit_before_or_after_ours_makes_the_table_listed_whole()
    {
        Sandbox.Sandbox.SkipUnlessRoot();
        var (before, _, delete, add) = Change();
        using var sandbox = Sandbox.Sandbox.Create();
        using var nft = new NftablesClient(sandbox.Thread, sandbox.Host);
        nft.Replace(before);

        // After ours, in a set our batch did not touch.
        nft.ListTable("inet", before.Table);
        nft.ApplyElements("inet", before.Table, delete, add, "test");
        Sandbox.Sandbox.Run("nsenter", $"--net={sandbox.Host.Path} nft add element inet {before.Table} icc-off {{ \"stranger0\" }}");
        var read = nft.ListTable("inet", before.Table)!;
        Assert.Equal(2, nft.Listings);
        Assert.Contains(read.Elements, e => e.Set == FirewallSets.IccOff && e.KeyText == "\"stranger0\"");

        // Between our reading (composed after our own batch: nothing listed) and our next batch.
        nft.ApplyElements("inet", before.Table, add, [], "test");
        nft.ListTable("inet", before.Table);
        Assert.Equal(2, nft.Listings);
        Sandbox.Sandbox.Run("nsenter", $"--net={sandbox.Host.Path} nft add element inet {before.Table} icc-off {{ \"stranger1\" }}");
        nft.ApplyElements("inet", before.Table, [], add, "test");
        read = nft.ListTable("inet", before.Table)!;
        Assert.Equal(3, nft.Listings);
        Assert.Contains(read.Elements, e => e.KeyText == "\"stranger1\"");
        Assert.True(read.SameTable(Listed(sandbox, before.Table)));
    }

    [Fact]
    public void A_composed_reading_written_for_the_cache_parses_back_the_same()
    {
        var (_, after, _, _) = Change();
        var parsed = NftJson.Parse(ComposedListing.Write(after), "inet", after.Table)!;
        Assert.True(parsed.SameTable(after));
        Assert.Equal(after.ToText(), parsed.ToText());
    }
}
