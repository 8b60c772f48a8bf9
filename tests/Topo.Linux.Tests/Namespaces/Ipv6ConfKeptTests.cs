using Topo.Linux.Namespaces;
using SandboxHost = Topo.Linux.Tests.Sandbox.Sandbox;

namespace Topo.Linux.Tests.Namespaces;

/// <summary>
/// A namespace made for IPv6 keeps the conf directory its IPv6-off write opened, so turning IPv6
/// on there later walks /proc/sys no second time; the directory acts on that namespace only.
/// </summary>
public sealed class Ipv6ConfKeptTests
{
    private static string DisableIpv6(SandboxHost sandbox, string ns, string device) =>
        SandboxHost.Run("nsenter", $"--net={sandbox.Store.PathOf(ns)} cat /proc/sys/net/ipv6/conf/{device}/disable_ipv6").Trim();

    [Fact]
    public void The_kept_directory_turns_IPv6_on_in_its_own_namespace_and_no_other()
    {
        SandboxHost.SkipUnlessRoot();
        using var sandbox = SandboxHost.Create();
        using var sessions = new NamespaceSessions(sandbox.Store, sandbox.Host);
        sessions.CreateNamespace("dual", ipv6Later: true);
        sessions.CreateNamespace("v4");

        Assert.Null(sessions.TakeIpv6Conf("v4"));
        var conf = sessions.TakeIpv6Conf("dual");
        Assert.NotNull(conf);
        Assert.Null(sessions.TakeIpv6Conf("dual")); // once
        Assert.True(conf >= FileDescriptors.Floor); // out of libnftables' select() range
        // An interface that arrives after the directory was opened, as a container's eth0 does.
        SandboxHost.Ip(sandbox.Host, $"link add veth-dual type veth peer name eth0 netns {sandbox.Store.PathOf("dual")}");
        Assert.Equal("1", DisableIpv6(sandbox, "dual", "eth0")); // arrives with IPv6 off
        sessions.Thread.Run(sessions.Handle("dual"), () =>
        {
            try
            {
                Ipv6Default.SetDisabled(conf.Value, "eth0", disabled: false);
                Ipv6Default.SetDisabled(conf.Value, "lo", disabled: false);
            }
            finally
            {
                Tmds.Linux.LibC.close(conf.Value);
            }
        });

        // Both were made with IPv6 off (all=1, which lo takes too); lo and eth0 are on again in dual alone.
        Assert.Equal("1", DisableIpv6(sandbox, "dual", "all"));
        Assert.Equal("1", DisableIpv6(sandbox, "v4", "all"));
        Assert.Equal("0", DisableIpv6(sandbox, "dual", "lo"));
        Assert.Equal("0", DisableIpv6(sandbox, "dual", "eth0"));
        Assert.Equal("1", DisableIpv6(sandbox, "v4", "lo"));
    }
}
