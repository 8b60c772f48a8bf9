using System.Text.Json;
using Topo.Core.Json;
using Topo.Core.Model;
using Topo.Core.Planning;

namespace Topo.Core.Rendering;

/// <summary>
/// The canonical, machine-readable plan (docs/plan-json.md): actions in execution order, every
/// field always present (null when not applicable) so consumers need no existence checks.
/// Deterministic: same plan, same bytes.
/// </summary>
public static class JsonRenderer
{
    public const string Format = "topo-plan";

    public static string Render(Plan plan) => JsonOutput.Write(w => Write(w, plan));

    /// <summary>The same document written to <paramref name="output"/> as it is made (the plan of 2,000 new containers is 37 MB of it).</summary>
    public static void Render(Plan plan, TextWriter output) => JsonOutput.Write(output, w => Write(w, plan));

    private static void Write(Utf8JsonWriter w, Plan plan)
    {
        w.WriteStartObject();
        w.WriteString("format", Format);
        w.WriteNumber("format_version", Plan.FormatVersion);
        w.WriteString("project", plan.Project);

        w.WriteStartObject("summary");
        w.WriteNumber("add", plan.ToAdd);
        w.WriteNumber("change", plan.ToChange);
        w.WriteNumber("destroy", plan.ToDestroy);
        w.WriteEndObject();

        w.WriteStartArray("actions");
        foreach (var action in plan.Actions)
        {
            WriteAction(w, action);
            JsonOutput.HandOver(w);
        }
        w.WriteEndArray();

        w.WriteEndObject();
    }

    private static void WriteAction(Utf8JsonWriter w, PlanAction action)
    {
        w.WriteStartObject();
        w.WriteNumber("id", action.Id);
        w.WriteString("action", action.Kind.Verb());
        w.WriteString("symbol", action.Symbol);

        w.WritePropertyName("resource");
        WriteResource(w, action.Subject, withAttributes: false);

        w.WritePropertyName("before");
        WriteAttributesOrNull(w, action.Before);
        w.WritePropertyName("after");
        WriteAttributesOrNull(w, action.After);

        w.WriteStartArray("changes");
        foreach (var change in action.Changes)
        {
            w.WriteStartObject();
            w.WriteString("attribute", change.Attribute.Name());
            w.WriteString("before", change.Before);
            w.WriteString("after", change.After);
            w.WriteBoolean("forces_replace", change.ForcesReplace);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartArray("includes");
        foreach (var included in action.Includes) WriteResource(w, included, withAttributes: true);
        w.WriteEndArray();

        w.WriteStartArray("depends_on");
        foreach (var id in action.DependsOn) w.WriteNumberValue(id);
        w.WriteEndArray();

        w.WriteString("reason", action.Reason);

        var group = PlanGroup.Of(action.Subject);
        w.WriteStartObject("group");
        w.WriteString("kind", group.Kind);
        w.WriteString("name", group == PlanGroup.Host ? null : group.Name);
        w.WriteEndObject();

        w.WriteEndObject();
    }

    private static void WriteResource(Utf8JsonWriter w, Resource resource, bool withAttributes)
    {
        w.WriteStartObject();
        w.WriteString("kind", resource.KindName.Replace(' ', '_'));
        w.WriteString("key", resource.Key);
        // The host namespace is null, as in the state snapshot where it is left out.
        w.WriteString("namespace", resource.Namespace == HostState.Host ? null : resource.Namespace);
        w.WriteString("label", resource.Owner?.ToString());
        if (withAttributes)
        {
            w.WritePropertyName("attributes");
            WriteAttributes(w, resource);
        }
        w.WriteEndObject();
    }

    private static void WriteAttributesOrNull(Utf8JsonWriter w, Resource? resource)
    {
        if (resource is null) w.WriteNullValue();
        else WriteAttributes(w, resource);
    }

    /// <summary>Every attribute the planner compares, in display order; null means "not set".</summary>
    private static void WriteAttributes(Utf8JsonWriter w, Resource resource)
    {
        w.WriteStartObject();
        foreach (var a in resource.Attributes()) w.WriteString(a.Attribute.Name(), a.Value);
        w.WriteEndObject();
    }
}
