using Topo.Core.Model;
using Topo.Core.Planning;
using Topo.Linux.Namespaces;
using Topo.Linux.Netlink.Constants;
using Topo.Linux.Netlink.Messages;
using Topo.Linux.Observation;

namespace Topo.Linux.Application;

public sealed partial class Applier
{
    private const string Loopback = "lo";

    private void CreateNamespace(PlanAction action, NamespaceState ns, Journal journal)
    {
        if (ns.SharesWith is { } existing)
        {
            Intents.Bind(ns.Name);
            _sessions.Store.Bind(ns.Name, existing).Dispose();
            journal.Record(action.Id, $"bound namespace {ns.Name} to {existing}", $"delete name {ns.Name}", () => RemoveNamespace(ns.Name));
            return;
        }
        MakeNamespace(ns.Name);
        journal.Record(action.Id, $"created namespace {ns.Name}", $"delete namespace {ns.Name}", () => RemoveNamespace(ns.Name));
        SetLoopback(ns.Name, ns.Owner?.ToString());
        // Plans create every namespace before any veth: without this, two fds per namespace until then.
        _sessions.Release(ns.Name);
    }

    private void SetLoopback(string ns, string? label) =>
        Session(ns).ChangeLink(new LinkMessage
        {
            Name = Loopback,
            Alias = label ?? "",
            Flags = InterfaceFlags.Up,
            Change = InterfaceFlags.Up,
        }, $"set {ns}/lo up, alias {label}");

    private void UpdateNamespace(PlanAction action, NamespaceState ns, Journal journal)
    {
        var before = (action.Before as NamespaceState)?.Owner?.ToString();
        SetLoopback(ns.Name, ns.Owner?.ToString());
        journal.Record(action.Id, $"labelled namespace {ns.Name}", $"restore label {before}", () => SetLoopback(ns.Name, before));
    }

    private void DeleteNamespace(PlanAction action, NamespaceState ns, Journal journal)
    {
        if (!_sessions.Store.Exists(ns.Name)) return;
        // Host ends of its veths: the kernel takes them with the namespace (AwaitVanished), which
        // asks by the namespace's handle whether it is dying or held. (A replace's includes are
        // what is made anew, its lo.)
        var veths = action.Kind == ActionKind.Delete
            ? action.Includes.OfType<LinkState>().Where(l => l is { Namespace: HostState.Host, Type: LinkKind.Veth }).ToList()
            : [];
        var handle = veths.Count > 0 ? NamespaceHandle.Of(_sessions.Store.PathOf(ns.Name)) : null;
        RemoveNamespace(ns.Name);
        foreach (var veth in veths) _vanishing.Add((veth, handle));
        // The namespace's contents are gone with it; rollback can only give back an empty, labelled one.
        journal.Record(action.Id, $"deleted namespace {ns.Name}", $"recreate empty namespace {ns.Name}", () =>
        {
            if (ns.SharesWith is { } other)
            {
                Intents.Bind(ns.Name);
                _sessions.Store.Bind(ns.Name, other).Dispose();
            }
            else
            {
                MakeNamespace(ns.Name);
                SetLoopback(ns.Name, ns.Owner?.ToString());
            }
        });
    }

    /// <summary>A fresh namespace NAME, its identity in the intent log before it has the name (it is labelled after).</summary>
    private void MakeNamespace(string name) =>
        _sessions.CreateNamespace(name, identity => Intents.Namespace(name, identity), ipv6Later: _ipv6Namespaces.Contains(name));

    private void RemoveNamespace(string name)
    {
        Intents.Unname(name);
        _sessions.Forget(name);
        foreach (var key in _indexes.Keys.Where(k => k.Namespace == name).ToList()) _indexes.Remove(key);
        _sessions.Store.Delete(name);
    }

    private void WriteSysctl(PlanAction action, SysctlState? before, SysctlState sysctl, Journal journal)
    {
        var path = SysctlPath.Of(sysctl.Name);
        var handle = _sessions.Handle(sysctl.Namespace);
        // A kernel without IPv6 takes no router advertisements: what accept_ra=0 asks is so already (the observer reads it so).
        if (sysctl.Value == "0" && _sessions.Thread.Run(handle, () => SysctlPath.IsAcceptRaWithoutIpv6(sysctl.Name))) return;
        var previous = before?.Value ?? _sessions.Thread.Run(handle, () => File.ReadAllText(path).Trim());
        _sessions.Thread.Run(handle, () => File.WriteAllText(path, sysctl.Value));
        // The handle may be released (closed) before a rollback: look it up again then.
        journal.Record(action.Id, $"set {sysctl.Key} = {sysctl.Value}", $"set it back to {previous}",
            () => _sessions.Thread.Run(_sessions.Handle(sysctl.Namespace), () => File.WriteAllText(path, previous)));
    }
}
