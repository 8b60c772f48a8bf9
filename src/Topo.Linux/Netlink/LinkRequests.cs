using Topo.Core.Addressing;
using Topo.Linux.Netlink.Constants;
using Topo.Linux.Netlink.LinkKinds;
using Topo.Linux.Netlink.Messages;

namespace Topo.Linux.Netlink;

/// <summary>
/// The part of a link request every kind shares; each kind's driver (LinkKinds/) builds its own
/// request on it, kept apart from the wire code so that tests can compare bytes.
/// </summary>
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
