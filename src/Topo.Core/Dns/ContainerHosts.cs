using System.Runtime.CompilerServices;
using System.Text;
using Topo.Core.Addressing;
using Topo.Core.Resolution;

namespace Topo.Core.Dns;

/// <summary>
/// The hosts file a container's namespace gets (the content, after topo's label line), built from
/// its <see cref="DnsView"/> so that the file and the embedded DNS server give the same answers:
/// Docker's localhost lines; then zone by zone (its DNS-enabled networks, in its own order) every
/// holder's address there, itself included, by address, each with the names its reverse lookup
/// gives (name, aliases on that network, <c>name.network</c>); then its own addresses on networks
/// without DNS, with its name alone. So the first line that holds a name has an address the DNS
/// server answers for it (a name on two of its networks: the first network's, as the server), and
/// names resolve with no server running. Lines are <c>address TAB names</c>, as Docker writes them;
/// on dual-stack networks each holder's IPv6 line follows the zone's IPv4 lines (Docker writes the
/// container's own IPv6 address too: <c>fd00:1::2 web</c>).
/// One instance per resolve: members of the same networks get the same text, made once and shared
/// (500 containers on one network: one string of 500 lines, not 500 of them).
/// </summary>
public sealed class ContainerHosts
{
    /// <summary>What Docker writes first in every container's /etc/hosts (moby libnetwork/etchosts).</summary>
    public const string Localhost =
        "127.0.0.1\tlocalhost\n" +
        "::1\tlocalhost ip6-localhost ip6-loopback\n" +
        "fe00::0\tip6-localnet\n" +
        "ff00::0\tip6-mcastprefix\n" +
        "ff02::1\tip6-allnodes\n" +
        "ff02::2\tip6-allrouters\n";

    /// <summary>A zone's lines, made once per zone.</summary>
    private readonly ConditionalWeakTable<DnsZone, string> _blocks = [];

    /// <summary>Files already made, by their zones (as one key) and the lines that follow them.</summary>
    private readonly Dictionary<string, string> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<DnsZone, int> _zoneIds = new(ReferenceEqualityComparer.Instance);

    /// <param name="container">A container with a namespace of its own (container mode gets its root's file).</param>
    /// <param name="view">Its DNS view; null when it is on no DNS-enabled network.</param>
    public string For(ResolvedContainer container, DnsView? view)
    {
        var zones = view?.Zones ?? [];
        var tail = new StringBuilder();
        foreach (var e in container.Endpoints)
        {
            if (zones.Any(z => z.Pointers.ContainsKey(e.Address))) continue;
            tail.Append(e.Address.ToString()).Append('\t').Append(container.Name).Append('\n');
            if (e.Ipv6Address is { } v6) tail.Append(v6.ToString()).Append('\t').Append(container.Name).Append('\n');
        }
        var key = new StringBuilder();
        foreach (var zone in zones)
        {
            if (!_zoneIds.TryGetValue(zone, out var id)) _zoneIds[zone] = id = _zoneIds.Count;
            key.Append(id).Append(',');
        }
        key.Append('\n').Append(tail);
        var text = key.ToString();
        if (_files.TryGetValue(text, out var file)) return file;
        var blocks = zones.Select(z => _blocks.GetValue(z, BlockOf)).ToList();
        // Copied once into a string of the exact length: a builder grown and copied out took three times as long.
        var tailText = tail.ToString();
        file = string.Create(Localhost.Length + blocks.Sum(b => b.Length) + tailText.Length, (blocks, tailText), static (span, parts) =>
        {
            Localhost.AsSpan().CopyTo(span);
            span = span[Localhost.Length..];
            foreach (var block in parts.blocks)
            {
                block.AsSpan().CopyTo(span);
                span = span[block.Length..];
            }
            parts.tailText.AsSpan().CopyTo(span);
        });
        _files[text] = file;
        return file;
    }

    private static string BlockOf(DnsZone zone)
    {
        var text = new StringBuilder(zone.OrderedPointers.Length * 48);
        foreach (var (address, names) in zone.OrderedPointers)
            text.Append(address.ToString()).Append('\t').AppendJoin(' ', names).Append('\n');
        // IPv6 after IPv4: a name's first line stays the IPv4 one, which the DNS server answers A with.
        foreach (var (address, names) in zone.OrderedPointers6)
            text.Append(address.ToString()).Append('\t').AppendJoin(' ', names).Append('\n');
        return text.ToString();
    }
}
