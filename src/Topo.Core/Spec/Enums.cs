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

    /// <summary>The modes a network may ask for: the model's, less <c>source</c> (Docker offers none such).</summary>
    public static Model.MacvlanMode? MacvlanMode(string text) => text switch
    {
        "bridge" => Model.MacvlanMode.Bridge,
        "private" => Model.MacvlanMode.Private,
        "vepa" => Model.MacvlanMode.Vepa,
        "passthru" => Model.MacvlanMode.Passthru,
        _ => null,
    };

    public static Protocol? Protocol(string text) => text switch
    {
        "tcp" => Spec.Protocol.Tcp,
        "udp" => Spec.Protocol.Udp,
        _ => null,
    };
}
