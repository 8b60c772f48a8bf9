namespace Topo.Linux.Observation;

/// <summary>Maps a dotted sysctl key (net.ipv4.ip_forward) to its /proc/sys file.</summary>
internal static class SysctlPath
{
    public const string Root = "/proc/sys";

    public static string Of(string key)
    {
        if (key.Length == 0 || key.Contains('/') || key.Contains("..", StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{key}' is not a sysctl key", nameof(key));
        }
        return Path.Combine(Root, key.Replace('.', '/'));
    }

    /// <summary>
    /// An interface's <c>accept_ra</c> on a kernel without IPv6 (booted with ipv6.disable=1: no
    /// /proc/sys/net/ipv6 at all): it takes no router advertisements, which is what 0 asks for.
    /// </summary>
    public static bool IsAcceptRaWithoutIpv6(string key) =>
        key.StartsWith("net.ipv6.conf.", StringComparison.Ordinal) && key.EndsWith(".accept_ra", StringComparison.Ordinal) &&
        !Directory.Exists(Path.Combine(Root, "net", "ipv6"));
}
