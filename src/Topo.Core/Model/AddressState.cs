using Topo.Core.Addressing;

namespace Topo.Core.Model;

/// <summary>
/// An address on a link, e.g. 192.168.1.10/24 or fd00:1::2/64 on wordpress/eth0. Identity is the
/// whole value. Kernel-made IPv6 link-local addresses are not modelled.
/// </summary>
public sealed record AddressState(string Namespace, string Link, IpPrefix Address) : Resource
{
    public override ResourceKind Kind => ResourceKind.Address;
    public override string Namespace { get; } = Namespace;
    public LinkRef LinkRef => new(Namespace, Link);
    protected override string MakeKey() => $"{LinkRef} {Address}";

    public override IEnumerable<ResourceAttribute> Attributes()
    {
        yield return new(AttributeKind.Address, Address.ToString(), ForcesReplace: true);
    }

    public override bool IsSatisfiedBy(Resource have) => have is AddressState h && h.Address == Address;
}
