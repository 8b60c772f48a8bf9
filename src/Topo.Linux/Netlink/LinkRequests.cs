using Topo.Core.Addressing;
using Topo.Linux.Netlink.Constants;
using Topo.Linux.Netlink.LinkKinds;
using Topo.Linux.Netlink.Messages;

namespace Topo.Linux.Netlink;

/// <summary>Builders for the link requests topo sends (kept apart from the wire code so tests can compare bytes).</summary>
internal static class LinkRequests
{
    /// <summary>Common attributes of a new link: name, mac, mtu, alias, admin state, master, target namespace.</summary>
    public static LinkMessage NewLink(string name, LinkKindData? kind, LinkOptions options) => new()
    {
        Name = name,
        KindData = kind,
        Address = Mac(options.Mac),
        Mtu = options.Mtu is { } mtu ? (uint)mtu : null,
        Alias = options.Alias,
        Master = options.MasterIndex,
        NetNsFd = options.NamespaceFd,
        Link = options.LowerIndex,
        Flags = options.Up ? InterfaceFlags.Up : InterfaceFlags.None,
        Change = options.Up ? InterfaceFlags.Up : InterfaceFlags.None,
    };

    public static LinkMessage Bridge(string name, LinkOptions options) => NewLink(name, new BridgeData(), options);

    /// <summary>A veth pair; the peer can be created directly in another namespace (its options' NamespaceFd).</summary>
    public static LinkMessage Veth(string name, LinkOptions options, string peerName, LinkOptions peer)
    {
        var peerMessage = NewLink(peerName, null, peer);
        return NewLink(name, new VethData(peerMessage), options);
    }

    public static LinkMessage Macvlan(string name, MacvlanModeValue mode, LinkOptions options) =>
        NewLink(name, new MacvlanData(mode), options);

    public static LinkMessage Vlan(string name, ushort id, LinkOptions options) =>
        NewLink(name, new VlanData(id), options);

    public static LinkMessage Vxlan(string name, uint vni, ushort? port, LinkOptions options) =>
        NewLink(name, new VxlanData(vni, null, port), options);

    public static byte[]? Mac(MacAddress? mac)
    {
        if (mac is not { } m) return null;
        var bytes = new byte[LinkSizes.MacAddress];
        m.WriteBytes(bytes);
        return bytes;
    }
}

/// <summary>Attributes common to every new link.</summary>
internal readonly record struct LinkOptions(
    bool Up = false,
    int? Mtu = null,
    MacAddress? Mac = null,
    string? Alias = null,
    int? MasterIndex = null,
    int? NamespaceFd = null,
    int? LowerIndex = null);
