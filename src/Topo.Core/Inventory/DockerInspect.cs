using System.Text;
using System.Text.Json;
using Topo.Core.Resolution;
using Topo.Core.Spec;

namespace Topo.Core.Inventory;

/// <summary>
/// <c>topo inspect NAME</c>: a network in the shape of <c>docker network inspect</c>, with
/// Docker's field names, so scripts written against Docker read it unchanged.
/// </summary>
public static class DockerInspect
{
    public static string Render(IEnumerable<NetworkEntry> networks)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartArray();
            foreach (var n in networks) Write(w, n);
            w.WriteEndArray();
        }
        return Encoding.UTF8.GetString(stream.ToArray()).Replace("\r\n", "\n") + "\n";
    }

    private static void Write(Utf8JsonWriter w, NetworkEntry n)
    {
        w.WriteStartObject();
        w.WriteString("Name", n.Name);
        w.WriteString("Id", Id($"{n.Project}/{n.Name}"));
        // Only topo's own record knows when (the kernel keeps no creation time): left out without one.
        if (n.Record?.Created is { } created) w.WriteString("Created", NetworkRecordsJson.DockerTime(created));
        w.WriteString("Scope", "local");
        w.WriteString("Driver", n.Driver);
        w.WriteBoolean("EnableIPv6", n.Ipv6Subnet is not null);
        w.WriteStartObject("IPAM");
        w.WriteString("Driver", "default");
        w.WriteStartObject("Options");
        w.WriteEndObject();
        w.WriteStartArray("Config");
        if (n.Subnet is { } subnet)
        {
            w.WriteStartObject();
            w.WriteString("Subnet", subnet.ToString());
            if (n.Record?.IpRange is { } range) w.WriteString("IPRange", range.ToString());
            if (n.Gateway is { } gw) w.WriteString("Gateway", gw.ToString());
            WriteAuxAddresses(w, n.Record, ipv6: false);
            w.WriteEndObject();
        }
        // Docker lists the IPv6 entry after the IPv4 one.
        if (n.Ipv6Subnet is { } v6)
        {
            w.WriteStartObject();
            w.WriteString("Subnet", v6.ToString());
            if (n.Record?.Ipv6Range is { } range6) w.WriteString("IPRange", range6.ToString());
            if (n.Ipv6Gateway is { } gw6) w.WriteString("Gateway", gw6.ToString());
            WriteAuxAddresses(w, n.Record, ipv6: true);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        // Always present, false too: a script reading .Internal must not get null.
        w.WriteBoolean("Internal", n.Internal);
        w.WriteBoolean("Attachable", false);
        w.WriteBoolean("Ingress", false);
        w.WriteStartObject("ConfigFrom");
        w.WriteString("Network", "");
        w.WriteEndObject();
        w.WriteBoolean("ConfigOnly", false);
        w.WriteStartObject("Containers");
        foreach (var e in n.Endpoints)
        {
            w.WriteStartObject(Id($"{e.Project}/{e.Container}"));
            w.WriteString("Name", e.Container);
            w.WriteString("EndpointID", Id($"{e.Project}/{e.Container}/{e.Network}"));
            w.WriteString("MacAddress", e.Mac?.ToString() ?? "");
            w.WriteString("IPv4Address", e.Address?.ToString() ?? "");
            w.WriteString("IPv6Address", e.Ipv6Address?.ToString() ?? "");
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteStartObject("Options");
        foreach (var (key, value) in Options(n)) w.WriteString(key, value);
        w.WriteEndObject();
        w.WriteStartObject("Labels");
        w.WriteString("topo.project", n.Project == Model.Label.SharedProject ? "" : n.Project);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>Each aux address in the entry of its family's subnet, as Docker keeps them (one IPAM pool per family).</summary>
    private static void WriteAuxAddresses(Utf8JsonWriter w, NetworkRecord? record, bool ipv6)
    {
        if (record is null || !record.AuxAddresses.Any(a => a.Value.IsV6 == ipv6)) return;
        w.WriteStartObject("AuxiliaryAddresses");
        foreach (var (name, address) in record.AuxAddresses)
            if (address.IsV6 == ipv6) w.WriteString(name, address.ToString());
        w.WriteEndObject();
    }

    /// <summary>
    /// Docker's driver options, sorted by key as Docker prints them. The default bridge shows all of
    /// them, as docker0 does; a user network those that differ from the defaults — Docker shows the
    /// ones given to <c>docker network create -o</c>, and the file's <c>options:</c> are the same keys.
    /// The bridge's name is shown always (topo names every bridge).
    /// </summary>
    private static SortedDictionary<string, string> Options(NetworkEntry n)
    {
        var options = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (n.Driver != "bridge") return options;
        var mtu = n.Mtu?.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (n.Interface is { } name) options[DockerOptions.BridgeName] = name;
        if (n.Name == Naming.DefaultBridgeNetwork)
        {
            options["com.docker.network.bridge.default_bridge"] = "true";
            options[DockerOptions.EnableIcc] = Bool(n.Icc);
            options[DockerOptions.EnableMasquerade] = Bool(n.Masquerade);
            options[DockerOptions.HostBindingIpv4] = "0.0.0.0";
            if (mtu is not null) options[DockerOptions.Mtu] = mtu;
            return options;
        }
        if (!n.Icc) options[DockerOptions.EnableIcc] = "false";
        if (!n.Masquerade && !n.Internal) options[DockerOptions.EnableMasquerade] = "false";
        if (mtu is not null && n.Mtu != DefaultMtu) options[DockerOptions.Mtu] = mtu;
        return options;
    }

    private const int DefaultMtu = 1500;

    private static string Bool(bool value) => value ? "true" : "false";

    /// <summary>A stable 64-hex id, like Docker's, derived from the object's name.</summary>
    private static string Id(string name) => Convert.ToHexStringLower(Hashing.Sha256.HashData(Encoding.UTF8.GetBytes(name)));
}
