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
}
