using System.Text;
using Topo.Core.Hashing;

namespace Topo.Core.Tests.Hashing;

public sealed class Sha256Tests
{
    // Interface names on hosts already converged are derived from these digests: ours must be
    // the platform's, bit for bit, at every length around the block and padding boundaries.
    [Fact]
    public void Digests_equal_the_platforms_for_every_length_up_to_three_blocks()
    {
        var random = new Random(7);
        for (var length = 0; length <= 200; length++)
        {
            var data = new byte[length];
            random.NextBytes(data);
            Assert.Equal(System.Security.Cryptography.SHA256.HashData(data), Sha256.HashData(data));
        }
    }

    [Fact]
    public void The_standard_test_vector_and_a_known_name()
    {
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            Convert.ToHexStringLower(Sha256.HashData("abc"u8)));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes("wordpress/front")))[..12],
            Topo.Core.Resolution.Naming.BridgeName("wordpress", "front")[3..]);
    }
}
