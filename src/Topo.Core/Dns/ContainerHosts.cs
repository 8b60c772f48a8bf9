using System.Runtime.CompilerServices;
using System.Text;
using Topo.Core.Addressing;
using Topo.Core.Resolution;

namespace Topo.Core.Dns;

/// <summary>
/// The hosts file a container's namespace gets (the content, after topo's label line), built from
/// its <see cref="DnsView"/> so that the file and the embedded DNS server give the same answers:
/// Docker's localhost lines; then zone by zone (its DNS-enabled networks, in its own order) its own
/// address there first, then every other holder's by address, each with the names its reverse
/// lookup gives (name, aliases on that network, <c>name.network</c>); then its own addresses on
/// networks without DNS, with its name alone. So the first line that holds a name has an address
/// the DNS server answers for it, and names resolve with no server running. Lines are
/// <c>address TAB names</c>, as Docker writes them.
/// One instance per resolve: a zone's lines are written once and cut into every member's file
/// (500 containers on one network: one block of 500 lines, not 250,000 lines made one by one).
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

    /// <summary>A zone's lines, and where each address's line is in them.</summary>
    private sealed record Block(string Text, Dictionary<Ipv4Address, (int Start, int Length)> Lines);

    private readonly ConditionalWeakTable<DnsZone, Block> _blocks = [];

    /// <param name="container">A container with a namespace of its own (container mode gets its root's file).</param>
    /// <param name="view">Its DNS view; null when it is on no DNS-enabled network.</param>
    public string For(ResolvedContainer container, DnsView? view)
    {
        var blocks = view?.Zones.Select(z => _blocks.GetValue(z, BlockOf)).ToList() ?? [];
        var text = new StringBuilder(Localhost, Localhost.Length + blocks.Sum(b => b.Text.Length) + 64 * container.Endpoints.Length);
        var written = new HashSet<Ipv4Address>();
        foreach (var block in blocks)
        {
            // At most one own address per zone: a container joins a network once, and subnets do not overlap.
            var own = container.Endpoints.Select(e => e.Address).FirstOrDefault(a => block.Lines.ContainsKey(a));
            if (block.Lines.TryGetValue(own, out var line) && written.Add(own))
            {
                text.Append(block.Text, line.Start, line.Length);
                text.Append(block.Text, 0, line.Start).Append(block.Text, line.Start + line.Length, block.Text.Length - line.Start - line.Length);
            }
            else text.Append(block.Text);
        }
        foreach (var e in container.Endpoints)
            if (!blocks.Any(b => b.Lines.ContainsKey(e.Address)) && written.Add(e.Address))
                text.Append(e.Address.ToString()).Append('\t').Append(container.Name).Append('\n');
        return text.ToString();
    }

    private static Block BlockOf(DnsZone zone)
    {
        var text = new StringBuilder(zone.OrderedPointers.Length * 48);
        var lines = new Dictionary<Ipv4Address, (int, int)>(zone.OrderedPointers.Length);
        foreach (var (address, names) in zone.OrderedPointers)
        {
            var start = text.Length;
            text.Append(address.ToString()).Append('\t').AppendJoin(' ', names).Append('\n');
            lines[address] = (start, text.Length - start);
        }
        return new Block(text.ToString(), lines);
    }
}
