using Topo.Core.Addressing;
using Topo.Core.Model;

namespace Topo.Core.Tests.Model;

/// <summary>A resource's key is made once, and never outlives what it was made of.</summary>
public sealed class ResourceKeyTests
{
    [Fact]
    public void A_copy_with_another_name_has_its_own_key()
    {
        var link = new LinkState("web", "eth0", LinkKind.Veth);
        Assert.Equal("web/eth0", link.Key);
        var renamed = link with { Name = "eth1" };
        Assert.Equal("web/eth1", renamed.Key);
        Assert.Equal("web/eth0", link.Key);
    }

    [Fact]
    public void A_copy_keeps_the_owner_and_compares_equal_whether_or_not_a_key_was_made()
    {
        var owner = Label.Endpoint("shop", "web", "lan");
        var address = new AddressState("web", "eth0", IpPrefix.Parse("10.1.0.2/24")) { Owner = owner };
        var copy = address with { };
        _ = address.Key; // made on one side only
        Assert.Equal(owner, copy.Owner);
        Assert.Equal(address, copy);
        Assert.Equal(address.GetHashCode(), copy.GetHashCode());
        Assert.NotEqual(address, copy with { Owner = null });
        Assert.NotEqual(address, copy with { Address = IpPrefix.Parse("10.1.0.3/24") });
    }
}
