using Topo.Core.Errors;

namespace Topo.Linux.Netlink.Messages;

/// <summary>A netlink message or attribute that does not have the shape its type promises.</summary>
public sealed class NetlinkParseException : TopoException
{
    public NetlinkParseException(string message) : base(message) { }

    public NetlinkParseException(string message, Exception inner) : base(message, inner) { }

    public override ErrorCategory Category => ErrorCategory.Host;
}
