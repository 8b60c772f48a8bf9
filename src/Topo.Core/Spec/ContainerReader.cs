using System.Collections.Immutable;
using Topo.Core.Addressing;

namespace Topo.Core.Spec;

/// <summary>Reads one entry of <c>containers:</c>; shape checks only (references are checked later).</summary>
internal static class ContainerReader
{
    public static readonly string[] Keys = ["networks", "ports", "network_mode"];
    public static readonly string[] AttachmentKeys = ["ipv4", "ipv6", "aliases", "gw_priority", "mac_address"];

    public static ContainerSpec Read(YScalar name, YNode value, DiagnosticBag bag)
    {
        var positions = ImmutableDictionary.CreateBuilder<string, SourceSpan>(StringComparer.Ordinal);
        var mode = NetworkModeKind.Networks;
        string? target = null;
        var networks = ImmutableArray.CreateBuilder<AttachmentSpec>();
        var ports = ImmutableArray.CreateBuilder<PortSpec>();
        var networksGiven = false;

        if (NodeReader.Mapping(value, $"container '{name.Value}'", bag) is { } map)
        {
            foreach (var (key, v) in map.Entries)
            {
                switch (key.Value)
                {
                    case "networks":
                        networksGiven = true;
                        ReadNetworks(v, networks, bag);
                        break;
                    case "ports":
                        if (v is YSequence seq)
                        {
                            foreach (var item in seq.Items)
                                if (PortReader.Read(item, bag) is { } port) ports.Add(port);
                        }
                        else bag.Error(v, $"ports: expected a list such as [\"8080:80\"], got {NodeReader.Describe(v)}");
                        break;
                    case "network_mode":
                        (mode, target) = ReadMode(v, bag);
                        break;
                    default:
                        bag.Error(key, KeySuggester.UnknownKeyMessage("key", key.Value, Keys));
                        continue;
                }
                positions[key.Value] = bag.At(v);
            }
        }

        // Like Docker, a container that names no network joins the default bridge.
        if (!networksGiven && mode == NetworkModeKind.Networks)
            networks.Add(new AttachmentSpec("bridge", null, [], 0, null, bag.At(name), ImmutableDictionary<string, SourceSpan>.Empty));

        return new ContainerSpec(name.Value, mode, target, networks.ToImmutable(), ports.ToImmutable(), bag.At(name), positions.ToImmutable());
    }

    private static (NetworkModeKind, string?) ReadMode(YNode v, DiagnosticBag bag)
    {
        var text = NodeReader.String(v, "network_mode", bag);
        switch (text)
        {
            case null: return (NetworkModeKind.Networks, null);
            case "host": return (NetworkModeKind.Host, null);
            case "none": return (NetworkModeKind.None, null);
        }
        if (text.StartsWith("container:", StringComparison.Ordinal) && text.Length > "container:".Length)
            return (NetworkModeKind.Container, text["container:".Length..]);
        var hint = text.StartsWith("service:", StringComparison.Ordinal)
            ? $"; topo has no services, write container:{text["service:".Length..]}"
            : text is "bridge" || !text.Contains(':') ? "; to join a network, list it under networks:" : "";
        bag.Error(v, $"network_mode: '{text}' is not host, none or container:NAME{hint}");
        return (NetworkModeKind.Networks, null);
    }

    private static void ReadNetworks(YNode v, ImmutableArray<AttachmentSpec>.Builder into, DiagnosticBag bag)
    {
        switch (v)
        {
            case YSequence seq:
                if (seq.Items.Count == 0)
                    bag.Error(v, "networks: the list is empty; name at least one network, or use network_mode: none for no network");
                var seen = new Dictionary<string, int>(StringComparer.Ordinal);
                foreach (var item in seq.Items)
                {
                    if (NodeReader.String(item, "networks", bag) is not { } name) continue;
                    if (seen.TryGetValue(name, out var line))
                    {
                        bag.Error(item, $"networks: '{name}' is already listed at line {line}");
                        continue;
                    }
                    seen.Add(name, item.Line);
                    into.Add(new AttachmentSpec(name, null, [], 0, null, bag.At(item), ImmutableDictionary<string, SourceSpan>.Empty));
                }
                break;
            case YMapping map:
                if (map.Entries.Count == 0)
                    bag.Error(v, "networks: the mapping is empty; name at least one network, or use network_mode: none for no network");
                foreach (var (key, value) in map.Entries) into.Add(ReadAttachment(key, value, bag));
                break;
            default:
                bag.Error(v, $"networks: expected a list of network names or a mapping of network name to settings, got {NodeReader.Describe(v)}");
                break;
        }
    }

    private static AttachmentSpec ReadAttachment(YScalar name, YNode value, DiagnosticBag bag)
    {
        var positions = ImmutableDictionary.CreateBuilder<string, SourceSpan>(StringComparer.Ordinal);
        Ipv4Address? ipv4 = null;
        Ipv6Address? ipv6 = null;
        var aliases = ImmutableArray.CreateBuilder<string>();
        var gwPriority = 0;
        MacAddress? mac = null;
        if (NodeReader.Mapping(value, $"network '{name.Value}' of the container", bag) is { } map)
        {
            foreach (var (key, v) in map.Entries)
            {
                switch (key.Value)
                {
                    case "ipv4": ipv4 = NodeReader.Address(v, "ipv4", bag); break;
                    case "ipv6": ipv6 = NodeReader.Ipv6(v, "ipv6", bag); break;
                    case "aliases": ReadAliases(v, aliases, bag); break;
                    case "gw_priority": NodeReader.Int(v, "gw_priority", bag, out gwPriority); break;
                    case "mac_address": mac = ReadMac(v, bag); break;
                    default:
                        bag.Error(key, KeySuggester.UnknownKeyMessage("key", key.Value, AttachmentKeys));
                        continue;
                }
                positions[key.Value] = bag.At(v);
            }
        }
        return new AttachmentSpec(name.Value, ipv4, aliases.ToImmutable(), gwPriority, mac, bag.At(name), positions.ToImmutable()) { Ipv6 = ipv6 };
    }

    private static void ReadAliases(YNode v, ImmutableArray<string>.Builder into, DiagnosticBag bag)
    {
        if (v is not YSequence seq)
        {
            bag.Error(v, $"aliases: expected a list of names such as [db], got {NodeReader.Describe(v)}");
            return;
        }
        foreach (var item in seq.Items)
        {
            if (NodeReader.String(item, "aliases", bag) is not { } alias) continue;
            if (NameRules.ContainerName(alias) is { } reason) bag.Error(item, $"alias '{alias}' is not a valid DNS name: {reason}");
            into.Add(alias);
        }
    }

    private static MacAddress? ReadMac(YNode v, DiagnosticBag bag)
    {
        if (NodeReader.String(v, "mac_address", bag) is not { } text) return null;
        if (!MacAddress.TryParse(text, out var mac))
        {
            bag.Error(v, $"mac_address: '{text}' is not a MAC address (six hex pairs such as 02:42:c0:a8:01:0a)");
            return null;
        }
        if ((mac.Value >> 40 & 1) != 0)
        {
            bag.Error(v, $"mac_address: {text} is a multicast address; an interface needs a unicast one (even first byte)");
            return null;
        }
        return mac;
    }
}
