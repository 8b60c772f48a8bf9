namespace Topo.Core.Spec;

/// <summary>The spellings of the spec's enumerations.</summary>
internal static class Enums
{
    public const string Drivers = "bridge or macvlan";
    public const string MacvlanModes = "bridge, private, vepa or passthru";

    public static NetworkDriver? Driver(string text) => text switch
    {
        "bridge" => NetworkDriver.Bridge,
        "macvlan" => NetworkDriver.Macvlan,
        _ => null,
    };

    public static MacvlanMode? MacvlanMode(string text) => text switch
    {
        "bridge" => Spec.MacvlanMode.Bridge,
        "private" => Spec.MacvlanMode.Private,
        "vepa" => Spec.MacvlanMode.Vepa,
        "passthru" => Spec.MacvlanMode.Passthru,
        _ => null,
    };

    public static Protocol? Protocol(string text) => text switch
    {
        "tcp" => Spec.Protocol.Tcp,
        "udp" => Spec.Protocol.Udp,
        _ => null,
    };
}
