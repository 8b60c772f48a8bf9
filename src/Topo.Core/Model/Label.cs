using System.Diagnostics.CodeAnalysis;

namespace Topo.Core.Model;

public enum LabelRole { Network, Endpoint, Container, Parent, Firewall }

/// <summary>
/// Ownership mark stored on the kernel object itself (a link's alias, the namespace's <c>lo</c>
/// alias): <c>topo:&lt;project&gt;:&lt;role&gt;:&lt;name&gt;</c>. An endpoint's name is
/// <c>container.network</c>; a VLAN parent's name is the network it serves. The default bridge is shared by every project: its project is
/// <see cref="SharedProject"/> ("-", which no project name can be).
/// </summary>
public sealed record Label(string Project, LabelRole Role, string Name)
{
    public const string Prefix = "topo:";
    public const string SharedProject = "-";

    public bool IsShared => Project == SharedProject;

    /// <summary>The container an endpoint or namespace label belongs to; null for other roles.</summary>
    public string? Container => Role switch
    {
        LabelRole.Container => Name,
        LabelRole.Endpoint => Name[..Name.IndexOf('.')],
        _ => null,
    };

    /// <summary>The network a network or endpoint label belongs to; null for other roles.</summary>
    public string? Network => Role switch
    {
        LabelRole.Network => Name,
        LabelRole.Endpoint => Name[(Name.IndexOf('.') + 1)..],
        _ => null,
    };

    public static Label Endpoint(string project, string container, string network) =>
        new(project, LabelRole.Endpoint, $"{container}.{network}");

    public static bool TryParse([NotNullWhen(true)] string? alias, [NotNullWhen(true)] out Label? label)
    {
        // Read for every link and namespace observed: spans, no Split (exactly three ':'-separated parts).
        label = null;
        if (alias is null || !alias.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        var rest = alias.AsSpan(Prefix.Length);
        var first = rest.IndexOf(':');
        if (first < 0) return false;
        var project = rest[..first];
        rest = rest[(first + 1)..];
        var second = rest.IndexOf(':');
        if (second < 0) return false;
        var roleText = rest[..second];
        var name = rest[(second + 1)..];
        if (name.Contains(':') || project.Length == 0 || name.Length == 0) return false;
        LabelRole? role = roleText switch
        {
            "network" => LabelRole.Network,
            "endpoint" => LabelRole.Endpoint,
            "container" => LabelRole.Container,
            "parent" => LabelRole.Parent,
            "firewall" => LabelRole.Firewall,
            _ => null,
        };
        if (role is null) return false;
        if (role == LabelRole.Endpoint)
        {
            var dot = name.IndexOf('.');
            if (dot <= 0 || dot == name.Length - 1) return false;
        }
        label = new Label(project.ToString(), role.Value, name.ToString());
        return true;
    }

    public override string ToString() => string.Concat(Prefix, Project, ":", Role.Name(), ":", Name);
}
