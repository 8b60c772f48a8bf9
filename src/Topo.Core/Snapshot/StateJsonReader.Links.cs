using System.Text.Json;
using Topo.Core.Addressing;
using Topo.Core.Model;

namespace Topo.Core.Snapshot;

/// <summary>Links: the common fields, and a kind's own in an object named after the kind.</summary>
internal ref partial struct StateJsonReader
{
    /// <summary>
    /// Kind fields as flat keys of the link object, as snapshots written before the details object
    /// (2026-12) have them; still read, never written. Frozen: a new kind has only the object form.
    /// </summary>
    private static readonly (string Key, DetailField Field)[] FlatDetailKeys =
    [
        ("macvlan_mode", MacvlanDetails.ModeField), ("vlan_id", VlanDetails.IdField),
        ("vni", VxlanDetails.VniField), ("dstport", VxlanDetails.PortField),
    ];

    private static readonly string LinkFields =
        "namespace, name, type, label, up, mtu, mac, master, peer, parent, isolated, hairpin, and the link's type for its own fields ("
        + string.Join(", ", KindDetails.Shapes.Select(s => s.Kind.Name())) + ")";

    private LinkState ReadLink()
    {
        var start = ExpectStartObject("a link object");
        string ns = HostState.Host;
        string? name = null, master = null;
        LinkKind? type = null;
        Label? label = null;
        bool up = false;
        int? mtu = null;
        MacAddress? mac = null;
        LinkRef? peer = null, parent = null;
        bool? isolated = null, hairpin = null;
        List<DetailValue> details = [];
        (DetailsShape Shape, long At)? detailsObject = null;
        long flatAt = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (NextProperty(seen, out var field))
        {
            switch (field)
            {
                case "namespace": ns = ReadNamespaceField(); break;
                case "name": name = ReadName(); break;
                case "type": type = ReadEnum<LinkKind>(); break;
                case "label": label = ReadLabel(); break;
                case "up": up = ReadBool(); break;
                case "mtu": mtu = ReadOptionalInt(); break;
                case "mac": mac = ReadOptional(static (ref StateJsonReader r) => r.ReadMac()); break;
                case "master": master = ReadOptionalName(); break;
                case "peer": peer = ReadOptional(static (ref StateJsonReader r) => r.ReadLinkRef()); break;
                case "parent": parent = ReadOptional(static (ref StateJsonReader r) => r.ReadLinkRef()); break;
                case "isolated": isolated = ReadOptional(static (ref StateJsonReader r) => r.ReadBool()); break;
                case "hairpin": hairpin = ReadOptional(static (ref StateJsonReader r) => r.ReadBool()); break;
                default:
                    if (ShapeNamed(field) is { } shape)
                    {
                        if (_reader.TokenType == JsonTokenType.Null) break;
                        detailsObject = (shape, _reader.TokenStartIndex);
                        ReadDetails(shape, details);
                    }
                    else if (Array.FindIndex(FlatDetailKeys, k => k.Key == field) is var flat and >= 0)
                    {
                        flatAt = _reader.TokenStartIndex;
                        AddDetail(details, FlatDetailKeys[flat].Field);
                    }
                    else
                    {
                        throw UnknownField(field, LinkFields);
                    }
                    break;
            }
            Pop();
        }
        var kind = type ?? throw Missing("type", start);
        return new LinkState(ns, name ?? throw Missing("name", start), kind)
        {
            Owner = label,
            Up = up,
            Mtu = mtu,
            Mac = mac,
            Master = master,
            Peer = peer,
            Parent = parent,
            Details = detailsObject is null && details.Count == 0 ? null : Details(kind, details, detailsObject, flatAt),
            Isolated = isolated,
            Hairpin = hairpin,
        };
    }

    private static DetailsShape? ShapeNamed(string name)
    {
        foreach (var shape in KindDetails.Shapes)
        {
            if (shape.Kind.Name() == name) return shape;
        }
        return null;
    }

    /// <summary>The object of a kind's fields: <c>"vxlan": {"vni": 42, "dstport": 4789}</c>.</summary>
    private void ReadDetails(DetailsShape shape, List<DetailValue> values)
    {
        ExpectStartObject($"an object of {shape.Kind.Name()} fields");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (NextProperty(seen, out var name))
        {
            DetailField? field = null;
            foreach (var f in shape.Fields)
            {
                if (f.Name == name) field = f;
            }
            AddDetail(values, field ?? throw UnknownField(name, string.Join(", ", shape.Fields.Select(f => f.Name))));
            Pop();
        }
    }

    /// <summary>A field's value at the current token (null: not set); a number in its range, or one of its names.</summary>
    private void AddDetail(List<DetailValue> values, DetailField field)
    {
        if (_reader.TokenType == JsonTokenType.Null) return;
        int value;
        if (field.IsChoice)
        {
            var text = ReadString();
            value = field.Choices.IndexOf(text);
            if (value < 0) throw Error($"\"{text}\" is not one of {string.Join(", ", field.Choices)}");
        }
        else
        {
            value = ReadInt();
            if (!field.Accepts(value)) throw Error($"{field.Name} is {field.Min}..{field.Max}, not {value}");
        }
        if (values.Exists(v => v.Field == field)) throw Error($"{field.Name} is given twice (as a field of the link and of its kind's object)");
        values.Add(new DetailValue(field, value));
    }

    /// <summary>The details of a <paramref name="kind"/> link, refusing fields that belong to another kind.</summary>
    private readonly LinkKindDetails Details(LinkKind kind, List<DetailValue> values, (DetailsShape Shape, long At)? named, long flatAt)
    {
        var shape = KindDetails.ShapeOf(kind);
        if (named is { } n && n.Shape != shape)
            throw Error($"a {n.Shape.Kind.Name()} object on a link of type {kind.Name()}", n.At);
        foreach (var v in values)
        {
            if (shape is null || !shape.Fields.Contains(v.Field)) throw Error($"\"{v.Field.Name}\" is not a field of a {kind.Name()} link", flatAt);
        }
        return shape!.Create(values); // not null: there was a named object of this kind, or a value of it
    }
}
