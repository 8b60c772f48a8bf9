using Topo.Core.Model;
using Topo.Linux.Namespaces;
using Topo.Linux.Netlink.Constants;
using Topo.Linux.Netlink.Messages;

namespace Topo.Linux.Application;

/// <summary>
/// IPv6 on a link follows its IPv6 addresses: on just before the first is added, off again once
/// the last is deleted; a container's <c>lo</c> follows its namespace's (::1 while any interface
/// there has one). Namespaces are made with IPv6 off for every interface that arrives
/// (<see cref="Ipv6Default"/>), and a container interface with IPv6 on but no network that wants
/// it would answer router advertisements and neighbour discovery (moby GHSA-x84c-p2g9-rqv9).
/// Not modelled as a resource of its own: whether it is on is a consequence of the addresses
/// (the kernel refuses an IPv6 address while it is off, and deletes them all when it goes off),
/// so a plan of addresses says it all, and drift (IPv6 turned off by hand) shows as missing
/// addresses, which re-adding repairs. The kernel's order is kept: on, address, then route.
/// </summary>
public sealed partial class Applier
{
    /// <summary>Namespaces the plan wants IPv6 addresses in: made with their conf directory kept for turning it on.</summary>
    private HashSet<string> _ipv6Namespaces = new(StringComparer.Ordinal);

    /// <summary>Namespaces whose lo this apply turned IPv6 on for (once each; forgotten when it turns it off again).</summary>
    private readonly HashSet<string> _loopbackIpv6 = new(StringComparer.Ordinal);

    /// <summary>Turns IPv6 on for <paramref name="link"/> (and, in a container's namespace, its lo: ::1 comes back, as in Docker's dual-stack containers).</summary>
    private void EnableIpv6(string ns, string link)
    {
        var withLoopback = ns != HostState.Host && _loopbackIpv6.Add(ns);
        SetIpv6Disabled(ns, link, disabled: false, withLoopback);
    }

    /// <summary>
    /// Turns IPv6 off for <paramref name="link"/> when no IPv6 address of anyone's is left on it
    /// (the kernel's own aside); returns the IPv6 routes through it that went with it. In a
    /// container's namespace where no other interface keeps one either, <c>lo</c> goes off with it:
    /// the container ends as one that never had IPv6 (no ::1), as Docker leaves an IPv4-only one.
    /// </summary>
    private List<RouteMessage> DisableIpv6IfLast(string ns, string link)
    {
        var index = IndexOf(ns, link);
        // A container has a handful of addresses: one dump of them all also answers for lo. The host
        // may have thousands: only the link's.
        var holders = Ipv6Holders(ns, ns == HostState.Host ? index : 0);
        if (holders.Contains(index)) return [];
        var dropped = Session(ns).DumpRoutes().FindAll(r =>
            r.IsIpv6 && r.OutputInterface == index && r.Protocol != RouteProtocol.Kernel && r.Type == RouteType.Unicast);
        SetIpv6Disabled(ns, link, disabled: true, withLoopback: ns != HostState.Host && holders.Count == 0);
        return dropped;
    }

    /// <summary>
    /// After a deleted link took IPv6 addresses with it in a container's namespace (leaving its last
    /// IPv6 network): <c>lo</c> goes off too when no interface there keeps one, as
    /// <see cref="DisableIpv6IfLast"/> does. Links without IPv6 cost nothing here.
    /// </summary>
    private void DisableLoopbackIpv6IfUnused(LinkRemains remains)
    {
        foreach (var ns in remains.Addresses.Where(a => a.Address.IsV6 && a.Namespace != HostState.Host).Select(a => a.Namespace).Distinct())
        {
            if (Ipv6Holders(ns).Count > 0) continue;
            SetIpv6Disabled(ns, "lo", disabled: true, withLoopback: false);
        }
    }

    /// <summary>
    /// The interfaces in <paramref name="ns"/> (only <paramref name="index"/>, when not 0) holding an
    /// IPv6 address of anyone's: the kernel's own (link-local, ::1) do not count.
    /// </summary>
    private HashSet<int> Ipv6Holders(string ns, int index = 0) =>
        Session(ns).DumpAddresses(AddressFamily.Inet6, index).Where(a => !a.IsKernelMade).Select(a => a.Index).ToHashSet();

    /// <summary>
    /// One trip to the namespace thread: /proc/sys/net is the calling thread's namespace's, and
    /// the conf directory opened there stays in it (the host's is kept open for the whole apply).
    /// </summary>
    private void SetIpv6Disabled(string ns, string link, bool disabled, bool withLoopback)
    {
        if (ns == HostState.Host)
        {
            _sessions.Thread.Run(_sessions.Host, () => Ipv6Default.SetDisabled(HostIpv6Conf, link, disabled));
            return;
        }
        var kept = _sessions.TakeIpv6Conf(ns);
        try
        {
            _sessions.Thread.Run(_sessions.Handle(ns), () =>
            {
                var conf = kept ?? Ipv6Default.OpenConfDirectory();
                kept = null; // closed here from now on
                try
                {
                    Ipv6Default.SetDisabled(conf, link, disabled);
                    if (withLoopback) Ipv6Default.SetDisabled(conf, "lo", disabled);
                }
                finally
                {
                    if (conf >= 0) Tmds.Linux.LibC.close(conf);
                }
            });
        }
        finally
        {
            if (kept is { } unused) Tmds.Linux.LibC.close(unused); // the namespace could not be entered
        }
        // lo off: the next IPv6 address here (an undo's re-add too) turns it on again.
        if (disabled && (withLoopback || link == "lo")) _loopbackIpv6.Remove(ns);
        // The handle served only this; the session keeps the namespace (one fd per namespace, not two).
        _sessions.Release(ns);
    }
}
