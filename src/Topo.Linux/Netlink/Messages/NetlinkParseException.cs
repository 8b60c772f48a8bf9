using Topo.Core.Errors;

namespace Topo.Linux.Netlink.Messages;

/// <summary>A netlink message or attribute that does not have the shape its type promises.</summary>
public sealed class NetlinkParseException(string message, Exception? inner = null) : TopoException(message, inner);
