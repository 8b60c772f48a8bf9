using Topo.Core.Model;
using Topo.Core.Planning;
using Topo.Linux.Namespaces;
using Topo.Linux.Netlink.Constants;
using Topo.Linux.Netlink.LinkKinds;
using Topo.Linux.Netlink.Messages;
using Topo.Linux.Netlink.Transport;

namespace Topo.Linux.Application;

public sealed partial class Applier
{
    private void CreateLink(PlanAction action, LinkState link, Journal journal)
    {
        var peer = action.Includes.OfType<LinkState>().FirstOrDefault();
        // Created without an alias (the kernel takes none in RTM_NEWLINK), labelled by Configure.
        Intents.Link(link.Namespace, link.Name);
        if ((peer?.Ref ?? link.Peer) is { } far) Intents.Link(far.Namespace, far.Name);
        CreateLinkObject(link, peer);
        journal.Record(action.Id, $"created {link.Display}", $"delete {link.Display}", () => RemoveLink(link));
        // A bridge port on the host: no IPv6 on it (container ends have none from their namespace's default).
        if (link is { Type: LinkKind.Veth, Namespace: HostState.Host, Master: not null })
            _sessions.Thread.Run(_sessions.Host, () => Ipv6Default.DisableOn(HostIpv6Conf, link.Name));
        Configure(link);
        if (peer is not null) Configure(peer);
    }

    /// <summary>The create request is the kind driver's: what the kernel takes at creation (name, mtu, mac, master, namespace, peer).</summary>
    private void CreateLinkObject(LinkState link, LinkState? peer)
    {
        // An interface arriving in a namespace made by this apply finds its defaults in place.
        _sessions.AwaitDefaults(link.Namespace);
        if (peer is not null) _sessions.AwaitDefaults(peer.Namespace);
        else if (link.Peer is { } far) _sessions.AwaitDefaults(far.Namespace);
        var placement = new Placement(this, link.Namespace);
        var create = LinkKindRegistry.For(link).Create(link, peer, placement);
        Session(create.SendFrom).CreateLink(create.Request, $"create {link.Display} ({link.Type.Name()})");
        // A namespace whose fd only served to put the peer there: its socket does the rest.
        foreach (var ns in placement.Others) _sessions.Release(ns);
    }

    /// <summary>What the kernel does not take at creation: alias, admin state, what the kind sets afterwards, bridge port flags.</summary>
    private void Configure(LinkState link)
    {
        var change = new LinkMessage { Name = link.Name, Alias = link.Owner?.ToString() };
        if (link.Up)
        {
            change.Flags = InterfaceFlags.Up;
            change.Change = InterfaceFlags.Up;
        }
        LinkKindRegistry.Find(link.Type)?.Configure(link, change, new Placement(this, link.Namespace));
        if (change.Alias is not null || link.Up || change.Master is not null || change.Mtu is not null)
        {
            Session(link.Namespace).ChangeLink(change, $"configure {link.Display}");
        }
        if (link.Master is not null && (link.Isolated == true || link.Hairpin == true))
        {
            Session(link.Namespace).SetBridgePort(IndexOf(link.Namespace, link.Name), link.Isolated, link.Hairpin, $"set port flags of {link.Display}");
        }
    }

    /// <summary>The applier's indexes and namespace handles, as a driver asks for them; remembers which other namespaces it opened.</summary>
    private sealed class Placement(Applier applier, string home) : ILinkPlacement
    {
        public List<string> Others { get; } = [];

        public int IndexOf(string ns, string name) => applier.IndexOf(ns, name);

        public int NamespaceFd(string ns)
        {
            if (ns != home && !Others.Contains(ns)) Others.Add(ns);
            return applier._sessions.Handle(ns).Fd;
        }
    }

    /// <summary>The host's /proc/sys/net/ipv6/conf (opened on the namespace thread, in the host), once per applier.</summary>
    private int HostIpv6Conf => _hostIpv6Conf ??= Ipv6Default.OpenConfDirectory();

    private int? _hostIpv6Conf;

    private void RemoveLink(LinkState link)
    {
        ForgetIndex(link.Namespace, link.Name);
        if (link.Peer is { } peer) ForgetIndex(peer.Namespace, peer.Name);
        try
        {
            Session(link.Namespace).DeleteLink(link.Name, $"delete {link.Display}");
        }
        catch (NetlinkException e) when (e.IsNotFound)
        {
            // already gone (its peer or its namespace went first)
        }
    }

    private void DeleteLink(PlanAction action, LinkState link, Journal journal)
    {
        var remains = ReadRemains(link);
        RemoveLink(link);
        DisableLoopbackIpv6IfUnused(remains);
        journal.Record(action.Id, $"deleted {link.Display}", $"recreate {link.Display}", () => RestoreLink(link, remains));
    }

    private void UpdateLink(PlanAction action, LinkState before, LinkState after, Journal journal)
    {
        var attributes = action.Changes.Select(c => c.Attribute).Distinct().ToList();
        var names = string.Join(", ", attributes.Select(a => a.Name()));
        ChangeLinkAttributes(after, attributes);
        journal.Record(action.Id, $"updated {after.Display} ({names})", $"restore {names}",
            () => ChangeLinkAttributes(before, attributes));
    }

    /// <summary>Sends only <paramref name="attributes"/>, with the values of <paramref name="link"/>.</summary>
    private void ChangeLinkAttributes(LinkState link, List<AttributeId> attributes)
    {
        var edit = new LinkEdit(link);
        foreach (var attribute in attributes) edit.Add(attribute, master => IndexOf(link.Namespace, master));
        if (edit.ChangesLink) Session(link.Namespace).ChangeLink(edit.Message, $"update {link.Display}");
        if (edit.Isolated is not null || edit.Hairpin is not null)
        {
            Session(link.Namespace).SetBridgePort(IndexOf(link.Namespace, link.Name), edit.Isolated, edit.Hairpin, $"set port flags of {link.Display}");
        }
    }
}
