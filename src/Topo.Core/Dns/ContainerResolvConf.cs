using System.Globalization;
using System.Text;
using Topo.Core.Model;

namespace Topo.Core.Dns;

/// <summary>
/// The resolv.conf a container's namespace gets (the content, after topo's label line), as Docker
/// makes it from the host's (moby libnetwork/internal/resolvconf): on a DNS-enabled network
/// <see cref="WithEmbeddedDns"/> (<c>TransformForIntNS</c>), otherwise <see cref="WithHostServers"/>
/// (<c>TransformForLegacyNw</c>, without IPv6: containers have none).
/// </summary>
public static class ContainerResolvConf
{
    /// <summary>Where the embedded DNS server answers inside every namespace that has one.</summary>
    public const string EmbeddedServer = "127.0.0.11";

    /// <summary>Docker's fallback when the host has no nameserver a container can reach (Google Public DNS).</summary>
    public static readonly IReadOnlyList<string> FallbackServers = ["8.8.8.8", "8.8.4.4"];

    /// <summary>
    /// <c>nameserver 127.0.0.11</c> alone (the host's servers are the embedded server's upstreams);
    /// the host's search domains; the host's options, an invalid <c>ndots</c> dropped, and
    /// <c>ndots:0</c> added unless the host sets a valid one (so single-label names such as
    /// <c>db</c> are asked as they are, never first with the host's search domains appended).
    /// </summary>
    public static string WithEmbeddedDns(ResolvConf host)
    {
        var options = host.Options.Where(o => !IsInvalidNdots(o)).ToList();
        if (!options.Any(o => OptionName(o) == "ndots")) options.Add("ndots:0");
        return Write([EmbeddedServer], host.Search, options);
    }

    /// <summary>
    /// The host's nameservers a container can reach (not loopback, not IPv6), or Docker's fallback
    /// 8.8.8.8 and 8.8.4.4 when none is left; the host's search domains and options as they are.
    /// </summary>
    public static string WithHostServers(ResolvConf host)
    {
        var servers = host.Nameservers.Where(ResolvConf.ReachableFromContainer).ToList();
        return Write(servers.Count > 0 ? servers : FallbackServers, host.Search, host.Options);
    }

    private static string Write(IEnumerable<string> servers, IReadOnlyCollection<string> search, IReadOnlyCollection<string> options)
    {
        var text = new StringBuilder();
        foreach (var server in servers) text.Append("nameserver ").Append(server).Append('\n');
        if (search.Count > 0) text.Append("search ").AppendJoin(' ', search).Append('\n');
        if (options.Count > 0) text.Append("options ").AppendJoin(' ', options).Append('\n');
        return text.ToString();
    }

    private static string OptionName(string option)
    {
        var colon = option.IndexOf(':');
        return colon < 0 ? option : option[..colon];
    }

    /// <summary><c>ndots</c> without a non-negative integer (Docker's removeInvalidNDots).</summary>
    private static bool IsInvalidNdots(string option) =>
        OptionName(option) == "ndots" &&
        !(option.Length > "ndots:".Length &&
          int.TryParse(option.AsSpan("ndots:".Length), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n >= 0);
}
