using CsCheck;
using Topo.Core.Addressing;
using Topo.Core.Model;
using Topo.Core.Snapshot;

namespace Topo.Core.Tests.Snapshot;

/// <summary>Round trip over generated states: every field, optional or not, survives write then read.</summary>
public sealed class StateJsonPropertyTests
{
    private static readonly Gen<string> Name = Gen.String[Gen.Char["abz09-_."], 1, 6];

    /// <summary>Label parts: an endpoint's name is container.network, so they cannot hold a dot.</summary>
    private static readonly Gen<string> LabelName = Gen.String[Gen.Char["abz09-_"], 1, 6];

    private static readonly Gen<string> Namespace = Gen.Frequency((2, (IGen<string>)Gen.Const(HostState.Host)), (1, (IGen<string>)Gen.OneOf("web", "db", "x-1")));

    private static Gen<T?> Optional<T>(Gen<T> gen) where T : struct =>
        Gen.Select(Gen.Bool, gen, (present, value) => present ? value : (T?)null);

    private static Gen<string?> OptionalName => Gen.Select(Gen.Bool, Name, (present, value) => present ? value : null);

    private static readonly Gen<Label?> Owner = Gen.Select(Gen.Int[0, 4], LabelName, LabelName, (role, a, b) => role switch
    {
        0 => null,
        1 => Label.Endpoint("proj", a, b),
        2 => new Label(Label.SharedProject, LabelRole.Network, a),
        3 => new Label("proj", LabelRole.Container, a),
        _ => (Label?)new Label("proj", LabelRole.Parent, a),
    });

    private static readonly Gen<Ipv4Prefix> Prefix = Gen.Select(Gen.UInt, Gen.Int[0, 32], (a, l) => new Ipv4Prefix(new Ipv4Address(a), l));

    private static readonly Gen<LinkRef> Ref = Gen.Select(Namespace, Name, (ns, n) => new LinkRef(ns, n));

    /// <summary>
    /// Any kind's own fields, from what its shape declares (so a new kind needs nothing here): none,
    /// or each field unset or a value in its range.
    /// </summary>
    private static Gen<LinkKindDetails?> Details(LinkKind kind) => KindDetails.ShapeOf(kind) is not { } shape
        ? Gen.Const((LinkKindDetails?)null)
        : Gen.Select(Gen.Bool, Gen.Bool.Array[shape.Fields.Length], Gen.Int[0, int.MaxValue].Array[shape.Fields.Length], (any, present, draws) => any
            ? shape.Create(shape.Fields.Select((f, i) => (f, i)).Where(x => present[x.i])
                .Select(x => new DetailValue(x.f, x.f.Min + (int)((long)draws[x.i] % ((long)x.f.Max - x.f.Min + 1)))))
            : null);

    private static readonly Gen<Resource> Link = Gen.Select(
        Gen.Select(Namespace, Name, Gen.Enum<LinkKind>(), Owner, Gen.Bool),
        Gen.Select(Optional(Gen.Int[68, 65535]), Optional(Gen.ULong[0, 0xFFFF_FFFF_FFFF].Select(v => new MacAddress(v))), OptionalName, Optional(Ref)),
        Gen.Select(Optional(Ref), Optional(Gen.Bool), Optional(Gen.Bool)),
        (a, b, c) => new LinkState(a.Item1, a.Item2, a.Item3)
        {
            Owner = a.Item4, Up = a.Item5,
            Mtu = b.Item1, Mac = b.Item2, Master = b.Item3, Peer = b.Item4,
            Parent = c.Item1, Isolated = c.Item2, Hairpin = c.Item3,
        }).SelectMany(link => Details(link.Type).Select(d => (Resource)(link with { Details = d })));

    private static readonly Gen<Resource> Other = Gen.OneOf(
        Gen.Select(Name, OptionalName, Owner, (n, s, o) => (Resource)new NamespaceState(n, s) { Owner = o }),
        Gen.Select(Namespace, Name, Prefix, Owner, (ns, l, p, o) => (Resource)new AddressState(ns, l, p) { Owner = o }),
        Gen.Select(Gen.Select(Namespace, Prefix, Gen.Int[0, 1000]), Optional(Gen.UInt.Select(v => new Ipv4Address(v))), OptionalName, Owner,
            (r, via, dev, o) => (Resource)new RouteState(r.Item1, r.Item2, r.Item3) { Gateway = via, Device = dev, Owner = o }),
        Gen.Select(Namespace, Name, Gen.String, (ns, n, v) => (Resource)new SysctlState(ns, n, v)));

    private static readonly Gen<HostState> State = Gen.OneOf(Link, Other).List[0, 12].Select(resources =>
        HostState.From(resources.DistinctBy(r => (r.Kind, r.Key))));

    [Fact]
    public void Write_then_read_gives_the_same_state() =>
        State.Sample(state =>
        {
            var text = StateJson.Write(state);
            var back = StateJson.Read(text);
            Assert.Equal(Normal(state), Normal(back));
            Assert.Equal(text, StateJson.Write(back));
        });

    private static List<string> Normal(HostState state) =>
        state.All().Select(r => r.ToString()).Order(StringComparer.Ordinal).ToList();
}
