using System.Collections.Immutable;
using Topo.Core.Addressing;

namespace Topo.Core.Spec;

/// <summary>A network while it is being read: fields are filled from keys, then from Docker options.</summary>
internal sealed class NetworkDraft(string name, SourceSpan span)
{
    public string Name { get; } = name;
    public SourceSpan Span { get; } = span;
    public NetworkDriver Driver { get; set; } = NetworkDriver.Bridge;
    /// <summary>False when the driver was misspelled: driver-specific checks would only add noise.</summary>
    public bool DriverKnown { get; set; } = true;
    public Ipv4Prefix? Subnet { get; set; }
    public Ipv4Address? Gateway { get; set; }
    public Ipv4Prefix? IpRange { get; set; }
    public bool EnableIpv6 { get; set; }
    public Ipv6Prefix? Ipv6Subnet { get; set; }
    public Ipv6Address? Ipv6Gateway { get; set; }
    public Ipv6Prefix? Ipv6Range { get; set; }
    public ImmutableArray<AuxAddress>.Builder Aux { get; } = ImmutableArray.CreateBuilder<AuxAddress>();
    public bool? Internal { get; set; }
    public bool? Icc { get; set; }
    public bool? Masquerade { get; set; }
    public int? Mtu { get; set; }
    public string? BridgeName { get; set; }
    public bool? Dns { get; set; }
    public uint? DnsTtl { get; set; }
    public string? Parent { get; set; }
    public Model.MacvlanMode? Mode { get; set; }
    public Ipv4Address? HostBindingIpv4 { get; set; }
    public ImmutableSortedDictionary<string, string>.Builder Options { get; } =
        ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
    public ImmutableDictionary<string, SourceSpan>.Builder Positions { get; } =
        ImmutableDictionary.CreateBuilder<string, SourceSpan>(StringComparer.Ordinal);

    public SourceSpan At(string field) => Positions.TryGetValue(field, out var span) ? span : Span;

    public NetworkSpec ToSpec() => new(
        Name, Driver, Subnet, Gateway, IpRange, Aux.ToImmutable(), Internal, Icc, Masquerade, Mtu,
        BridgeName, Dns, Parent, Mode, HostBindingIpv4, Options.ToImmutable(), Span, Positions.ToImmutable())
    {
        DnsTtl = DnsTtl,
        EnableIpv6 = EnableIpv6,
        Ipv6Subnet = Ipv6Subnet,
        Ipv6Gateway = Ipv6Gateway,
        Ipv6Range = Ipv6Range,
    };
}
