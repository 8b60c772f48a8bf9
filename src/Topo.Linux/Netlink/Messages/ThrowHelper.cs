using System.Diagnostics.CodeAnalysis;

namespace Topo.Linux.Netlink.Messages;

internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void Malformed(string what) => throw new NetlinkParseException($"malformed netlink data: {what}");

    [DoesNotReturn]
    public static T Malformed<T>(string what) => throw new NetlinkParseException($"malformed netlink data: {what}");
}
