namespace Topo.Linux.Observation;

/// <summary>Maps a dotted sysctl key (net.ipv4.ip_forward) to its /proc/sys file.</summary>
internal static class SysctlPath
{
    public const string Root = "/proc/sys";

    /// <summary>
    /// An interface's name is one directory whatever it holds: Linux allows dots in it
    /// (<c>bridge_name: br.lan</c> is <c>net.ipv6.conf.br.lan.accept_ra</c>, the file
    /// <c>net/ipv6/conf/br.lan/accept_ra</c>), so the name is what lies between the prefix and the
    /// last dot.
    /// </summary>
    public static string Of(string key)
    {
        if (Topo.Core.Model.SysctlState.SplitInterfaceKey(key) is var (prefix, device, leaf))
        {
            if (device is "." or ".." || device.Contains('/') || leaf.Length == 0 || leaf.Contains('/')) throw NotAKey(key);
            return Path.Combine(Root, prefix.TrimEnd('.').Replace('.', '/'), device, leaf);
        }
        if (key.Length == 0 || key.Contains('/') || key.Contains("..", StringComparison.Ordinal)) throw NotAKey(key);
        return Path.Combine(Root, key.Replace('.', '/'));
    }

    /// <summary>
    /// An interface's <c>accept_ra</c> on a kernel without IPv6 (booted with ipv6.disable=1: no
    /// /proc/sys/net/ipv6 at all): it takes no router advertisements, which is what 0 asks for.
    /// </summary>
    public static bool IsAcceptRaWithoutIpv6(string key) =>
        key.StartsWith("net.ipv6.conf.", StringComparison.Ordinal) && key.EndsWith($".{Topo.Core.Resolution.BridgeSysctls.AcceptRaLeaf}", StringComparison.Ordinal) &&
        !Directory.Exists(Path.Combine(Root, "net", "ipv6"));

    private static ArgumentException NotAKey(string key) => new($"'{key}' is not a sysctl key", nameof(key));
}
