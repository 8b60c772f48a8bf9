using System.Collections.Immutable;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using Topo.Core.Addressing;
using Topo.Core.Dns;
using Topo.Linux.Dns;

namespace Topo.Linux.Tests.Dns;

/// <summary>Views and queries for resolver tests, built by hand (what DnsViews.Build makes from a topology).</summary>
internal static class DnsTestViews
{
    /// <summary>A zone: <paramref name="names"/> as "name=addr,addr", pointers as "addr=name,name".</summary>
    public static DnsZone Zone(string network, uint ttl, string[] names, string[] pointers) => new(
        network, ttl,
        names.Select(n => n.Split('=')).Select(p => KeyValuePair.Create(p[0], p[1].Split(',').Select(Ipv4Address.Parse).ToImmutableArray())),
        pointers.Select(n => n.Split('=')).Select(p => (Ipv4Address.Parse(p[0]), p[1].Split(',').ToImmutableArray())));

    /// <summary>The back-end network of the tests: web (alias www) and db, two api replicas, 172.18.0.0/16.</summary>
    public static DnsZone Backend(uint ttl = 10) => Zone("backend", ttl,
        [
            "web=172.18.0.2", "www=172.18.0.2", "web.backend=172.18.0.2", "www.backend=172.18.0.2",
            "db=172.18.0.3", "db.backend=172.18.0.3",
            "api=172.18.0.4,172.18.0.5,172.18.0.6", "api.backend=172.18.0.4,172.18.0.5,172.18.0.6",
        ],
        ["172.18.0.2=web,www,web.backend", "172.18.0.3=db,db.backend", "172.18.0.4=api-1,api,api-1.backend"]);

    public static DnsView View(string ns, params DnsZone[] zones) =>
        new(ns, [.. zones], [Ipv4Prefix.Parse("172.18.0.0/16")]);

    /// <summary>A zone with one name holding <paramref name="count"/> addresses (for truncation).</summary>
    public static DnsZone Many(int count) => Zone("many", 10,
        [$"many={string.Join(",", Enumerable.Range(1, count).Select(i => $"10.77.{i / 256}.{i % 256}"))}"], []);

    public static byte[] Query(string name, RecordType type, ushort id = 0x4242, int? ednsSize = null, Action<DnsMessage>? change = null)
    {
        var query = new DnsMessage { TransactionID = id, IsRecursionDesired = true };
        query.Questions.Add(new DnsQuestion(DomainName.Parse(name), type, RecordClass.INet));
        if (ednsSize is { } size)
        {
            query.IsEDnsEnabled = true;
            query.EDnsOptions!.UdpPayloadSize = (ushort)size;
        }
        change?.Invoke(query);
        return DnsCodec.Encode(query);
    }

    public static DnsMessage Parse(byte[] reply) => DnsCodec.TryParse(reply) ?? throw new InvalidOperationException("reply does not parse");
}
