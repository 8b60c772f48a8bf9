namespace Topo.Linux.Netlink.Transport;

/// <summary>The kernel was built without what a link kind needs (it answered EOPNOTSUPP / "Unknown device type").</summary>
public sealed class KernelFeatureMissingException : Exception
{
    public KernelFeatureMissingException(string feature, string link, NetlinkException inner)
        : base($"the kernel lacks {feature}: cannot create {link} ({inner.Message})", inner)
    {
        Feature = feature;
    }

    public string Feature { get; }
}
