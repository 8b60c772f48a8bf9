using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using Topo.Core.Addressing;

namespace Topo.Core.Model;

/// <summary>
/// The host's resolver configuration (its /etc/resolv.conf), read as Docker reads it
/// (moby libnetwork/internal/resolvconf, <c>Parse</c>): <c>nameserver</c> lines whose address
/// parses, in order (others are dropped); the last <c>search</c> (or <c>domain</c>) line; the
/// words of every <c>options</c> line, accumulated. Comments (<c>#</c>, <c>;</c>) and other
/// directives are not kept. An input to resolving, never a resource: containers' resolv.conf
/// files are computed from it.
/// </summary>
public sealed record ResolvConf(ImmutableArray<string> Nameservers, ImmutableArray<string> Search, ImmutableArray<string> Options)
{
    public static ResolvConf Empty { get; } = new([], [], []);

    public bool IsEmpty => Nameservers.IsEmpty && Search.IsEmpty && Options.IsEmpty;

    public static ResolvConf Parse(string text)
    {
        var nameservers = ImmutableArray.CreateBuilder<string>();
        var search = ImmutableArray<string>.Empty;
        var options = ImmutableArray.CreateBuilder<string>();
        foreach (var line in text.Split('\n'))
        {
            var fields = line.Split([' ', '\t', '\r', '\f', '\v'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 2 || fields[0][0] is '#' or ';') continue;
            switch (fields[0])
            {
                case "nameserver":
                    if (IsAddress(fields[1])) nameservers.Add(fields[1]);
                    break;
                case "domain" or "search":
                    search = [.. fields[1..]];
                    break;
                case "options":
                    options.AddRange(fields[1..]);
                    break;
            }
        }
        return new ResolvConf(nameservers.ToImmutable(), search, options.ToImmutable());
    }

    /// <summary>An IPv4 dotted quad, or an IPv6 address (with an optional zone).</summary>
    private static bool IsAddress(string text) =>
        Ipv4Address.TryParse(text, out _) ||
        (text.Contains(':') && IPAddress.TryParse(text, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6);

    /// <summary>
    /// A nameserver a container can reach: IPv4 and not loopback (127.0.0.0/8 is the container's
    /// own lo). Containers have no IPv6 (their namespaces start with it off), so IPv6 servers,
    /// ::1 among them, are out too — Docker's rule for a network without IPv6.
    /// </summary>
    public static bool ReachableFromContainer(string nameserver) =>
        Ipv4Address.TryParse(nameserver, out var a) && (a.Value >> 24) != 127;

    public bool Equals(ResolvConf? other) =>
        other is not null && Nameservers.SequenceEqual(other.Nameservers) &&
        Search.SequenceEqual(other.Search) && Options.SequenceEqual(other.Options);

    public override int GetHashCode() => HashCode.Combine(Nameservers.Length, Search.Length, Options.Length);
}
