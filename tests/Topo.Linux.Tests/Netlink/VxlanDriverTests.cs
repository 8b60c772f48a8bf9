using Topo.Core.Model;
using Topo.Linux.Netlink;
using Topo.Linux.Netlink.Constants;
using Topo.Linux.Netlink.LinkKinds;
using Topo.Linux.Netlink.Messages;
using Topo.Linux.Tests.Netlink.Captures;

namespace Topo.Linux.Tests.Netlink;

/// <summary>
/// The vxlan driver against iproute2 and the kernel: captures made by Captures/capture-vxlan.sh
/// (`ip link add vx0 type vxlan id 42 dstport 4789 dev lower0`, the same without dev, and the
/// kernel's answer to `ip -d link show dev vx0`).
/// </summary>
public sealed class VxlanDriverTests
{
    private const NetlinkFlags Create = NetlinkFlags.Request | NetlinkFlags.Ack | NetlinkFlags.Create | NetlinkFlags.Excl;
    private const int LowerIndex = 2; // lower0, the first link made in the capture's namespace

    private static byte[] AddWithDev => StraceCapture.Buffers("vxlan-add-dev.strace").Single();
    private static byte[] AddWithoutDev => StraceCapture.Buffers("vxlan-add.strace").Single();

    /// <summary>The kernel's RTM_NEWLINK for vx0 (the capture also holds the ENODEV of iproute2's probe).</summary>
    private static byte[] KernelReply => StraceCapture.Buffers("vxlan-show.strace")
        .Single(b => HostOrder.ReadUInt16(b.AsSpan(4)) == RtmType.NewLink);

    private static LinkState Vx0 => new("", "vx0", LinkKind.Vxlan) { Details = new VxlanDetails(42, 4789), Parent = new LinkRef("", "lower0") };

    [Fact]
    public void Request_from_the_model_is_iproute2s_byte_for_byte()
    {
        var create = VxlanDriver.Instance.Create(Vx0, null, new FakePlacement());
        Assert.Equal("", create.SendFrom);
        Assert.Equal(Hex(AddWithDev), Encode(create.Request, AddWithDev));

        var alone = VxlanDriver.Instance.Create(new LinkState("", "vx1", LinkKind.Vxlan) { Details = new VxlanDetails(7, null) }, null, new FakePlacement());
        Assert.Equal(Hex(AddWithoutDev), Encode(alone.Request, AddWithoutDev)); // dstport 4789 when the model has none
    }

    [Theory]
    [InlineData("vxlan-add-dev.strace")]
    [InlineData("vxlan-add.strace")]
    public void Captured_requests_round_trip_byte_for_byte(string capture)
    {
        var bytes = StraceCapture.Buffers(capture)[^1];
        var reader = new NetlinkMessageReader(bytes);
        Assert.True(reader.MoveNext());
        var message = LinkMessage.DecodeBody(reader.Payload);
        Assert.IsType<VxlanData>(message.KindData);

        var buffer = new MessageBuffer();
        var writer = new NetlinkWriter(buffer);
        writer.BeginMessage(reader.Header.Type, reader.Header.Flags, reader.Header.Sequence, reader.Header.PortId);
        message.EncodeBody(ref writer);
        writer.EndMessage();
        Assert.Equal(Hex(bytes), Hex(buffer.Written));
    }

    [Fact]
    public void Kernel_reply_keeps_every_attribute_through_re_encoding() => CodecTests.AssertKeepsEveryAttribute(KernelReply);

    [Fact]
    public void Kernel_reply_becomes_the_model_link_it_was_made_from()
    {
        var reader = new NetlinkMessageReader(KernelReply);
        Assert.True(reader.MoveNext());
        var link = LinkMessage.DecodeObserved(reader.Payload); // what the observer decodes
        var driver = LinkKindRegistry.Find(link.Kind!)!;
        Assert.Same(VxlanDriver.Instance, driver);

        var observed = driver.Observe(new LinkState("", link.Name!, driver.ModelKind), link, new FakeNeighbours());
        Assert.Equal((LinkKind.Vxlan, new VxlanDetails(42, 4789), new LinkRef("", "lower0")), (observed.Type, observed.Details, observed.Parent));
        Assert.True(Vx0.IsSatisfiedBy(observed));
        Assert.False((Vx0 with { Details = new VxlanDetails(43, 4789) }).IsSatisfiedBy(observed));
    }

    [Fact]
    public void A_vni_wider_than_24_bits_is_refused_before_anything_is_sent()
    {
        var wide = Vx0 with { Details = new VxlanDetails(1 << 24, 4789) };
        Assert.Throws<ArgumentOutOfRangeException>(() => VxlanDriver.Instance.Create(wide, null, new FakePlacement()));
    }

    private static string Encode(LinkMessage request, byte[] captured)
    {
        var buffer = new MessageBuffer();
        var writer = new NetlinkWriter(buffer);
        request.Encode(ref writer, RtmType.NewLink, Create, HostOrder.ReadUInt32(captured.AsSpan(8)));
        return Hex(buffer.Written);
    }

    private static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    private sealed class FakePlacement : ILinkPlacement
    {
        public int IndexOf(string ns, string name) => (ns, name) == ("", "lower0") ? LowerIndex : throw new KeyNotFoundException(name);

        public int NamespaceFd(string ns) => throw new InvalidOperationException("the capture made everything in one namespace");
    }

    private sealed class FakeNeighbours : ILinkNeighbours
    {
        public LinkRef? Lower(LinkMessage link, int index) => index == LowerIndex ? new LinkRef("", "lower0") : null;

        public LinkRef? Peer(LinkMessage link) => null;
    }
}
