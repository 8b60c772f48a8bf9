using Topo.Linux.Nftables;

namespace Topo.Linux.Tests.Nftables;

/// <summary>The table list comes from our own NFT_MSG_GETTABLE dump, not from libnftables' full cache.</summary>
public sealed class NftablesTableListTests
{
    [Fact]
    public void The_request_is_a_gettable_dump_of_every_family()
    {
        var request = NftablesTableList.Request().Written.ToArray();
        // nlmsghdr: length 20, type NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_GETTABLE, NLM_F_REQUEST | NLM_F_DUMP;
        // then nfgenmsg: NFPROTO_UNSPEC, NFNETLINK_V0, res_id 0.
        Assert.Equal(
            [20, 0, 0, 0, 0x01, 0x0a, 0x01, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            request);
    }

    [Fact]
    public void A_table_message_gives_its_family_and_name()
    {
        // nfgenmsg (NFPROTO_INET, v0, res_id), NFTA_TABLE_NAME "filter\0" (padded), NFTA_TABLE_FLAGS 0.
        byte[] payload = [1, 0, 0, 0, 11, 0, 1, 0, (byte)'f', (byte)'i', (byte)'l', (byte)'t', (byte)'e', (byte)'r', 0, 0, 8, 0, 2, 0, 0, 0, 0, 0];
        Assert.Equal(new NftablesTableList.TableName("inet", "filter"), NftablesTableList.Decode(payload));
        payload[0] = 10;
        Assert.Equal("ip6", NftablesTableList.Decode(payload)!.Family);
        payload[0] = 99; // a family nft has no keyword for: left out, not misnamed
        Assert.Null(NftablesTableList.Decode(payload));
        Assert.Throws<Topo.Linux.Netlink.Messages.NetlinkParseException>(() => NftablesTableList.Decode(payload.AsSpan(0, 2)));
    }

    [Fact]
    public void Lists_the_same_tables_as_the_nft_tool()
    {
        Sandbox.Sandbox.SkipUnlessRoot();
        using var sandbox = Sandbox.Sandbox.Create();
        using var nft = new NftablesClient(sandbox.Thread, sandbox.Host);
        Assert.Empty(nft.ListTables());
        nft.Run("add table ip one\nadd table inet two\nadd table ip6 three\nadd table bridge four\nadd table netdev five\nadd table arp six");
        var tool = Sandbox.Sandbox.Run("nsenter", $"--net={sandbox.Host.Path} nft list tables")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ')).Select(p => (p[1], p[2])).Order().ToList();
        Assert.Equal(6, tool.Count);
        Assert.Equal(tool, nft.ListTables().Order().ToList());
    }
}
