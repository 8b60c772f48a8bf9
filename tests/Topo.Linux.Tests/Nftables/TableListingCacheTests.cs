using Topo.Linux.Nftables;

namespace Topo.Linux.Tests.Nftables;

/// <summary>A kept listing is used only while nftables' generation in that namespace has not moved.</summary>
public sealed class TableListingCacheTests
{
    private const string Table = "add table ip topo-cachetest\n" +
        "add set ip topo-cachetest ports { type inet_service; comment \"topo:cachetest:network:n ports\"; }\n" +
        "add element ip topo-cachetest ports { 80 }";

    private static string Tool(Sandbox.Sandbox sandbox, string args) => Sandbox.Sandbox.Run("nsenter", $"--net={sandbox.Host.Path} nft {args}");

    [Fact]
    public void The_generation_moves_with_every_commit_and_the_cookie_tells_namespaces_apart()
    {
        Sandbox.Sandbox.SkipUnlessRoot();
        using var one = Sandbox.Sandbox.Create();
        using var two = Sandbox.Sandbox.Create();
        var first = one.Thread.Run(one.Host, () => NftablesGeneration.ReadHere());
        Assert.Equal(first, one.Thread.Run(one.Host, () => NftablesGeneration.ReadHere()));
        Tool(one, "add table ip a");
        Tool(one, "add table ip b");
        var later = one.Thread.Run(one.Host, () => NftablesGeneration.ReadHere());
        Assert.Equal(first.NamespaceCookie, later.NamespaceCookie);
        Assert.Equal(first.Id + 2, later.Id);
        Assert.NotEqual(first.NamespaceCookie, two.Thread.Run(two.Host, () => NftablesGeneration.ReadHere()).NamespaceCookie);
    }

    [Fact]
    public void A_change_by_anyone_is_seen_and_an_unchanged_ruleset_is_read_from_the_copy()
    {
        Sandbox.Sandbox.SkipUnlessRoot();
        using var sandbox = Sandbox.Sandbox.Create();
        var cache = new TableListingCache(Path.Combine(sandbox.Root, "nft-cache"));
        using var nft = new NftablesClient(sandbox.Thread, sandbox.Host) { ListingCache = cache };
        nft.Run(Table);
        var listed = nft.ListTable("ip", "topo-cachetest")!;
        Assert.Equal(["80"], listed.Elements.Select(e => e.Key));
        var kept = Path.Combine(cache.Directory, "ip-topo-cachetest.json");
        Assert.True(File.Exists(kept));
        Assert.Equal("drwx------", Sandbox.Sandbox.Run("stat", $"-c %A {cache.Directory}").Trim());

        // Nothing committed since: the next command reads the copy (a copy edited by hand shows it).
        File.WriteAllText(kept, File.ReadAllText(kept).Replace("\"elem\": [80]", "\"elem\": [81]", StringComparison.Ordinal));
        using (var next = new NftablesClient(sandbox.Thread, sandbox.Host) { ListingCache = cache })
            Assert.Equal(["81"], next.ListTable("ip", "topo-cachetest")!.Elements.Select(e => e.Key));

        // Another tool commits: the generation moved, the kernel is listed again.
        Tool(sandbox, "add element ip topo-cachetest ports { 443 }");
        Assert.Equal(["443", "80"], nft.ListTable("ip", "topo-cachetest")!.Elements.Select(e => e.Key).Order());
        Assert.Equal(["443", "80"], new NftablesClient(sandbox.Thread, sandbox.Host).ListTable("ip", "topo-cachetest")!.Elements.Select(e => e.Key).Order());
    }
}
