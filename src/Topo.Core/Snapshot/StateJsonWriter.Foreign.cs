using System.Text.Json;
using Topo.Core.Model;

namespace Topo.Core.Snapshot;

internal static partial class StateJsonWriter
{
    /// <summary>
    /// Other tables as the drop check reads them, only when there are any. Tables sorted by family
    /// and name; chains and rules in the kernel's order (a rule's place decides what it does).
    /// </summary>
    private static void WriteForeignFirewall(Utf8JsonWriter w, HostState state)
    {
        w.WriteStartArray("foreign_firewall");
        foreach (var t in state.ForeignFirewall.OrderBy(t => t.Family, StringComparer.Ordinal).ThenBy(t => t.Name, StringComparer.Ordinal))
        {
            w.WriteStartObject();
            w.WriteString("family", t.Family);
            w.WriteString("name", t.Name);
            w.WriteStartArray("chains");
            foreach (var c in t.Chains)
            {
                w.WriteStartObject();
                w.WriteString("name", c.Name);
                if (c.Hook is { } hook)
                {
                    w.WriteString("type", c.Type ?? "filter");
                    w.WriteString("hook", hook);
                    w.WriteNumber("priority", c.Priority);
                    w.WriteString("policy", c.Policy ?? "accept");
                    if (!c.Devices.IsEmpty)
                    {
                        w.WriteStartArray("devices");
                        foreach (var d in c.Devices) w.WriteStringValue(d);
                        w.WriteEndArray();
                    }
                }
                w.WriteStartArray("rules");
                foreach (var r in c.Rules)
                {
                    w.WriteStartObject();
                    w.WriteNumber("handle", r.Handle);
                    w.WritePropertyName("expr");
                    w.WriteRawValue(r.Expression);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}
