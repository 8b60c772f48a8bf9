using System.Text.Json;
using Topo.Core.Json;
using Topo.Core.Model;

namespace Topo.Core.Snapshot;

/// <summary>
/// Writes a <see cref="HostState"/> in snapshot form. Absent (null) attributes are left out rather
/// than written as null, and so is <c>namespace</c> for the host: a snapshot shows only what is set.
/// </summary>
internal static partial class StateJsonWriter
{
    public static void Write(Utf8JsonWriter w, HostState state)
    {
        w.WriteStartObject();
        w.WriteString("format", StateJson.Format);
        w.WriteNumber("version", StateJson.Version);

        w.WriteStartArray("namespaces");
        foreach (var n in state.Namespaces.OrderBy(n => n.Name, StringComparer.Ordinal))
        {
            w.WriteStartObject();
            w.WriteString("name", n.Name);
            if (n.SharesWith is not null) w.WriteString("shares_with", n.SharesWith);
            WriteLabel(w, n);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartArray("links");
        foreach (var l in state.Links.OrderBy(l => l.Namespace, StringComparer.Ordinal).ThenBy(l => l.Name, StringComparer.Ordinal))
        {
            w.WriteStartObject();
            WriteNamespace(w, l.Namespace);
            w.WriteString("name", l.Name);
            w.WriteString("type", l.Type.Name());
            WriteLabel(w, l);
            w.WriteBoolean("up", l.Up);
            if (l.Mtu is { } mtu) w.WriteNumber("mtu", mtu);
            if (l.Mac is { } mac) w.WriteString("mac", mac.ToString());
            if (l.Master is not null) w.WriteString("master", l.Master);
            if (l.Peer is { } peer) WriteLinkRef(w, "peer", peer);
            if (l.Parent is { } parent) WriteLinkRef(w, "parent", parent);
            if (l.Details is { } details) WriteDetails(w, l.Type, details);
            if (l.Isolated is { } isolated) w.WriteBoolean("isolated", isolated);
            if (l.Hairpin is { } hairpin) w.WriteBoolean("hairpin", hairpin);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartArray("addresses");
        foreach (var a in state.Addresses
                     .OrderBy(a => a.Namespace, StringComparer.Ordinal)
                     .ThenBy(a => a.Link, StringComparer.Ordinal)
                     .ThenBy(a => a.Address))
        {
            w.WriteStartObject();
            WriteNamespace(w, a.Namespace);
            w.WriteString("link", a.Link);
            w.WriteString("address", a.Address.ToString());
            WriteLabel(w, a);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartArray("routes");
        foreach (var r in state.Routes
                     .OrderBy(r => r.Namespace, StringComparer.Ordinal)
                     .ThenBy(r => r.Destination)
                     .ThenBy(r => r.Metric))
        {
            w.WriteStartObject();
            WriteNamespace(w, r.Namespace);
            w.WriteString("destination", r.Destination.ToString());
            if (r.Metric != 0) w.WriteNumber("metric", r.Metric);
            if (r.Gateway is { } via) w.WriteString("gateway", via.ToString());
            if (r.Device is not null) w.WriteString("device", r.Device);
            WriteLabel(w, r);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartArray("sysctls");
        foreach (var s in state.Sysctls.OrderBy(s => s.Namespace, StringComparer.Ordinal).ThenBy(s => s.Name, StringComparer.Ordinal))
        {
            w.WriteStartObject();
            WriteNamespace(w, s.Namespace);
            w.WriteString("name", s.Name);
            w.WriteString("value", s.Value);
            WriteLabel(w, s);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        if (!state.Firewall.IsEmpty) WriteFirewall(w, state);
        if (state.DockerUserChain) w.WriteBoolean("docker_user_chain", true);
        if (!state.ForeignFirewall.IsEmpty) WriteForeignFirewall(w, state);
        if (!state.Files.IsEmpty) WriteFiles(w, state);
        if (!state.HostResolvConf.IsEmpty) WriteResolvConf(w, state.HostResolvConf);
        w.WriteEndObject();
    }

    /// <summary>Namespace files, only when there are any (as the firewall).</summary>
    private static void WriteFiles(Utf8JsonWriter w, HostState state)
    {
        w.WriteStartArray("files");
        foreach (var f in state.Files.OrderBy(f => f.Namespace, StringComparer.Ordinal).ThenBy(f => f.Name, StringComparer.Ordinal))
        {
            w.WriteStartObject();
            w.WriteString("namespace", f.Namespace);
            w.WriteString("name", f.Name);
            WriteLabel(w, f);
            w.WriteString("content", f.Content);
            w.WriteEndObject();
            JsonOutput.HandOver(w); // the files are most of a snapshot: 26 MB of 29 at 2,000 containers
        }
        w.WriteEndArray();
    }

    /// <summary>The host's resolver configuration, only when it has anything.</summary>
    private static void WriteResolvConf(Utf8JsonWriter w, ResolvConf conf)
    {
        w.WriteStartObject("resolv_conf");
        WriteStrings(w, "nameservers", conf.Nameservers);
        WriteStrings(w, "search", conf.Search);
        WriteStrings(w, "options", conf.Options);
        w.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values) w.WriteStringValue(v);
        w.WriteEndArray();
    }

    /// <summary>nftables, only when there is any: snapshots without a firewall read and write as before.</summary>
    private static void WriteFirewall(Utf8JsonWriter w, HostState state)
    {
        w.WriteStartObject("firewall");
        w.WriteStartArray("tables");
        foreach (var t in state.Firewall.OfType<FirewallTableState>().OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            w.WriteStartObject();
            w.WriteString("family", t.Family);
            w.WriteString("name", t.Name);
            WriteLabel(w, t);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("chains");
        foreach (var c in state.Firewall.OfType<FirewallChainState>().OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            w.WriteStartObject();
            w.WriteString("family", c.Family);
            w.WriteString("table", c.Table);
            w.WriteString("name", c.Name);
            w.WriteString("type", c.Type);
            w.WriteString("hook", c.Hook);
            w.WriteNumber("priority", c.Priority);
            w.WriteString("policy", c.Policy);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("rules");
        foreach (var r in state.Firewall.OfType<FirewallRuleState>().OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            w.WriteStartObject();
            w.WriteString("family", r.Family);
            w.WriteString("table", r.Table);
            w.WriteString("chain", r.Chain);
            w.WriteString("comment", r.Comment);
            w.WriteString("rule", r.Rule);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("sets");
        foreach (var set in state.Firewall.OfType<FirewallSetState>().OrderBy(x => x.Key, StringComparer.Ordinal))
        {
            w.WriteStartObject();
            w.WriteString("family", set.Family);
            w.WriteString("table", set.Table);
            w.WriteString("name", set.Name);
            w.WriteString("type", set.Type);
            if (set.Flags is { } flags) w.WriteString("flags", flags);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("elements");
        foreach (var e in state.Firewall.OfType<FirewallElementState>().OrderBy(x => x.Key, StringComparer.Ordinal))
        {
            w.WriteStartObject();
            w.WriteString("family", e.Family);
            w.WriteString("table", e.Table);
            w.WriteString("set", e.Set);
            w.WriteString("element", e.Element);
            if (e.Value is { } value) w.WriteString("value", value);
            w.WriteString("comment", e.Comment);
            w.WriteEndObject();
            JsonOutput.HandOver(w);
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteNamespace(Utf8JsonWriter w, string ns)
    {
        if (ns != HostState.Host) w.WriteString("namespace", ns);
    }

    private static void WriteLabel(Utf8JsonWriter w, Resource r)
    {
        if (r.Owner is { } label) w.WriteString("label", label.ToString());
    }

    /// <summary>A kind's own fields as an object named after the kind: <c>"vxlan": {"vni": 42, "dstport": 4789}</c>.</summary>
    private static void WriteDetails(Utf8JsonWriter w, LinkKind kind, LinkKindDetails details)
    {
        w.WriteStartObject(kind.Name());
        foreach (var (field, value) in details.Values())
        {
            if (field.IsChoice) w.WriteString(field.Name, field.Text(value));
            else w.WriteNumber(field.Name, value);
        }
        w.WriteEndObject();
    }

    private static void WriteLinkRef(Utf8JsonWriter w, string name, LinkRef link)
    {
        w.WriteStartObject(name);
        WriteNamespace(w, link.Namespace);
        w.WriteString("name", link.Name);
        w.WriteEndObject();
    }
}
