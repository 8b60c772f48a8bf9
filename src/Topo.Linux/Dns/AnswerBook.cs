using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using Topo.Core.Addressing;
using Topo.Core.Dns;

namespace Topo.Linux.Dns;

/// <summary>
/// What one namespace's resolver answers from: its view's zones compiled (in the view's order: a
/// name answers from the first zone that has it), its own subnets, and the replies already encoded
/// (<see cref="ResponseCache"/>). Immutable but for the cache and the round-robin counters;
/// namespaces whose views have the same zones and subnets share one book. A resolver swaps its
/// whole book in one reference write, so a query sees the old view or the new one, never half.
/// </summary>
internal sealed class AnswerBook
{
    private readonly CompiledZone[] _zones;
    private readonly Ipv4Prefix[] _ownSubnets;
    private readonly Ipv6Prefix[] _ownIpv6Subnets;

    public AnswerBook(IReadOnlyList<CompiledZone> zones, IReadOnlyList<Ipv4Prefix> ownSubnets, IReadOnlyList<Ipv6Prefix>? ownIpv6Subnets = null)
    {
        _zones = [.. zones];
        _ownSubnets = [.. ownSubnets];
        _ownIpv6Subnets = [.. ownIpv6Subnets ?? []];
    }

    public ResponseCache Cache { get; } = new();

    /// <summary>What the view says about <paramref name="question"/>; <see cref="LocalResult.NotLocal"/> means forward it.</summary>
    public LocalAnswer Find(DnsQuestion question)
    {
        var wantsInternet = question.RecordClass is RecordClass.INet or RecordClass.Any;
        if (KeyOf(question.Name) is { } key)
        {
            foreach (var zone in _zones)
            {
                if (!zone.Names.TryGetValue(key, out var name)) continue;
                // A name with only IPv4 answers AAAA with NODATA, as Docker's resolver does.
                if (wantsInternet && question.RecordType == RecordType.Aaaa)
                    return zone.Names6.TryGetValue(key, out var name6)
                        ? new LocalAnswer(LocalResult.Records, name6, null)
                        : new LocalAnswer(LocalResult.NoData, null, null);
                return wantsInternet && question.RecordType is RecordType.A or RecordType.Any
                    ? new LocalAnswer(LocalResult.Records, name, null)
                    : new LocalAnswer(LocalResult.NoData, null, null);
            }
        }
        if (ReverseName6.Of(question.Name) is { } reverse6) return FindReverse6(question, reverse6, wantsInternet);
        if (ReverseName.Of(question.Name) is not { } reverse) return LocalAnswer.NotLocal;
        if (reverse.IsAddress)
        {
            foreach (var zone in _zones)
            {
                if (!zone.Pointers.TryGetValue(reverse.Prefix.Address.Value, out var pointer)) continue;
                return wantsInternet && question.RecordType is RecordType.Ptr or RecordType.Any
                    ? new LocalAnswer(LocalResult.Records, null, pointer)
                    : new LocalAnswer(LocalResult.NoData, null, null);
            }
        }
        if (!IsOwn(reverse.Prefix)) return LocalAnswer.NotLocal;
        // Ours: nothing is there unless it is the parent of a name we hold (then it exists, empty:
        // NXDOMAIN would tell a resolver that nothing exists below it either, RFC 8020).
        return reverse.ExtraLabels == 0 && reverse.Prefix.Length < 32 && AnyPointerIn(reverse.Prefix)
            ? new LocalAnswer(LocalResult.NoData, null, null)
            : new LocalAnswer(LocalResult.NoSuchName, null, null);
    }

    /// <summary>The ip6.arpa twin of the in-addr.arpa rules: a held address answers, the rest inside our subnets is ours to deny.</summary>
    private LocalAnswer FindReverse6(DnsQuestion question, ReverseName6 reverse, bool wantsInternet)
    {
        if (reverse.IsAddress)
        {
            foreach (var zone in _zones)
            {
                if (!zone.Pointers6.TryGetValue(reverse.Prefix.Address.Value, out var pointer)) continue;
                return wantsInternet && question.RecordType is RecordType.Ptr or RecordType.Any
                    ? new LocalAnswer(LocalResult.Records, null, pointer)
                    : new LocalAnswer(LocalResult.NoData, null, null);
            }
        }
        var own = false;
        foreach (var subnet in _ownIpv6Subnets)
            own |= subnet.Length <= reverse.Prefix.Length && subnet.Contains(reverse.Prefix.Address);
        if (!own) return LocalAnswer.NotLocal;
        var parent = false;
        foreach (var zone in _zones) parent |= zone.AnyPointerIn(reverse.Prefix);
        return reverse.ExtraLabels == 0 && reverse.Prefix.Length < 128 && parent
            ? new LocalAnswer(LocalResult.NoData, null, null)
            : new LocalAnswer(LocalResult.NoSuchName, null, null);
    }

    /// <summary>Inside one of the project's subnets: never forwarded.</summary>
    private bool IsOwn(Ipv4Prefix prefix)
    {
        foreach (var subnet in _ownSubnets)
        {
            if (subnet.Length <= prefix.Length && subnet.Contains(prefix.Address)) return true;
        }
        return false;
    }

    private bool AnyPointerIn(Ipv4Prefix prefix)
    {
        foreach (var zone in _zones)
        {
            if (zone.AnyPointerIn(prefix)) return true;
        }
        return false;
    }

    /// <summary>The dotted name without the root; null for a name no zone can hold (a dot inside a label).</summary>
    private static string? KeyOf(DomainName name)
    {
        var labels = name.Labels;
        foreach (var label in labels)
        {
            if (label.Contains('.')) return null;
        }
        return string.Join('.', labels);
    }
}

internal enum LocalResult
{
    /// <summary>Not in the view: forward upstream.</summary>
    NotLocal,
    Records,
    /// <summary>The name exists, without records of the asked type: NOERROR, empty answer.</summary>
    NoData,
    NoSuchName,
}

/// <summary>The view's answer to one question.</summary>
internal readonly record struct LocalAnswer(LocalResult Result, NameRecord? Name, PointerRecord? Pointer)
{
    public static LocalAnswer NotLocal => default;

    /// <summary>How many different replies the answer has: one per rotation of a name's addresses.</summary>
    public int Rotations => Name?.Addresses.Length ?? 1;

    /// <summary>The rotation the next reply uses (round robin over the name's addresses, shared by every asker).</summary>
    public int NextRotation() => Name is { Addresses.Length: > 1 } name ? name.NextRotation() : 0;

    /// <summary>Adds the answer records, owned by the question's name (so the reply echoes its case), starting at <paramref name="rotation"/>.</summary>
    public void AddRecords(DnsMessage response, DomainName owner, int rotation)
    {
        if (Result != LocalResult.Records) return;
        if (Name is { } name)
        {
            for (var i = 0; i < name.Addresses.Length; i++)
            {
                var address = name.Addresses[(rotation + i) % name.Addresses.Length];
                response.AnswerRecords.Add(address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
                    ? new AaaaRecord(owner, name.Ttl, address)
                    : new ARecord(owner, name.Ttl, address));
            }
        }
        else if (Pointer is { } pointer)
        {
            foreach (var target in pointer.Targets) response.AnswerRecords.Add(new PtrRecord(owner, pointer.Ttl, target));
        }
    }
}
