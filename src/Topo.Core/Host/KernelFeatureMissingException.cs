using Topo.Core.Errors;

namespace Topo.Core.Host;

/// <summary>The kernel was built without what an object needs (it answered EOPNOTSUPP / "Unknown device type").</summary>
public sealed class KernelFeatureMissingException(string feature, string link, Exception inner)
    : TopoException($"the kernel lacks {feature}: cannot create {link} ({inner.Message})", inner)
{
    public string Feature { get; } = feature;

    public override ErrorCategory Category => ErrorCategory.Unsupported;
}
