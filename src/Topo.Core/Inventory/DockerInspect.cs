using System.Text;
using System.Text.Json;
using Topo.Core.Resolution;

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
        w.WriteString("Scope", "local");
        w.WriteString("Driver", n.Driver);
        w.WriteBoolean("EnableIPv6", false);
        w.WriteStartObject("IPAM");
        w.WriteString("Driver", "default");
        w.WriteStartObject("Options");
        w.WriteEndObject();
        w.WriteStartArray("Config");
        if (n.Subnet is { } subnet)
        {
            w.WriteStartObject();
            w.WriteString("Subnet", subnet.ToString());
            if (n.Gateway is { } gw) w.WriteString("Gateway", gw.ToString());
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteStartObject("Containers");
        foreach (var e in n.Endpoints)
        {
            w.WriteStartObject(Id($"{e.Project}/{e.Container}"));
            w.WriteString("Name", e.Container);
            w.WriteString("EndpointID", Id($"{e.Project}/{e.Container}/{e.Network}"));
            w.WriteString("MacAddress", e.Mac?.ToString() ?? "");
            w.WriteString("IPv4Address", e.Address?.ToString() ?? "");
            w.WriteString("IPv6Address", "");
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteStartObject("Options");
        if (n.Interface is { } name) w.WriteString("com.docker.network.bridge.name", name);
        if (n.Name == Naming.DefaultBridgeNetwork) w.WriteString("com.docker.network.bridge.default_bridge", "true");
        w.WriteEndObject();
        w.WriteStartObject("Labels");
        w.WriteString("topo.project", n.Project == Model.Label.SharedProject ? "" : n.Project);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>A stable 64-hex id, like Docker's, derived from the object's name.</summary>
    private static string Id(string name) => Convert.ToHexStringLower(Hashing.Sha256.HashData(Encoding.UTF8.GetBytes(name)));
}
