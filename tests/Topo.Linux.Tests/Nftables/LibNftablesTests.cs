using Topo.Linux.Nftables;

namespace Topo.Linux.Tests.Nftables;

public sealed class LibNftablesTests
{
    [Fact]
    public void A_missing_library_names_the_package_to_install()
    {
        var error = Assert.Throws<NftablesUnavailableException>(() => LibNftables.Open("libnftables.so.999"));
        Assert.Equal("libnftables.so.999 not found: install the Debian package libnftables1", error.Message);
    }
}
