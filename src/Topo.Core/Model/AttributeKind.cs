namespace Topo.Core.Model;

/// <summary>
/// Every attribute a resource can have compared, as the planner hands it to the applier. The
/// applier dispatches on these values; the lower-case names (<see cref="EnumNames.Name(AttributeKind)"/>)
/// are only what plans print, so renaming one cannot change what apply does.
/// </summary>
public enum AttributeKind
{
    // links
    Type, Peer, Parent, VlanId, Vni, VxlanPort, MacvlanMode, Label, Master, Mac, Mtu, Isolated, Hairpin, State,
    // namespaces (Label too)
    Shares,
    // addresses, routes, sysctls
    Address, Via, Dev, Value,
    // firewall (Label, Type and Value too)
    Hook, Priority, Policy, Rule, Comment,
    // namespace files (Label too)
    Content,
}
