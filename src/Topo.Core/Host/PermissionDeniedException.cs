using Topo.Core.Errors;

namespace Topo.Core.Host;

/// <summary>
/// Refused for lack of privilege (not root, or without CAP_NET_ADMIN / CAP_SYS_ADMIN): waiting
/// or trying again will not help. What the host port raises for it, so commands and fakes alike use it.
/// </summary>
public sealed class PermissionDeniedException(string message, Exception? inner = null) : TopoException(message, inner)
{
    public override ErrorCategory Category => ErrorCategory.Permission;
}
