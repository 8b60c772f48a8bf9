using System.Collections.Immutable;
using System.Net;

namespace Topo.Linux.Dns;

/// <summary>The <c>nameserver</c> lines of a resolv.conf (IPv4 and IPv6, an IPv6 zone as in <c>fe80::1%eth0</c>), in order, port 53.</summary>
internal static class ResolvConf
{
    public const int DnsPort = 53;

    public static ImmutableArray<IPEndPoint> Parse(string text)
    {
        var servers = ImmutableArray.CreateBuilder<IPEndPoint>();
        Span<Range> fields = stackalloc Range[3];
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.AsSpan().Trim();
            if (line.IsEmpty || line[0] is '#' or ';') continue;
            var count = line.SplitAny(fields, " \t", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (count < 2 || !line[fields[0]].SequenceEqual("nameserver")) continue;
            if (!IPAddress.TryParse(line[fields[1]], out var address)) continue;
            var endpoint = new IPEndPoint(address, DnsPort);
            if (!servers.Contains(endpoint)) servers.Add(endpoint);
        }
        return servers.ToImmutable();
    }
}
