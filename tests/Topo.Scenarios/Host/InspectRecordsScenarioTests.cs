using Topo.Scenarios.Support;

namespace Topo.Scenarios.Host;

/// <summary>
/// The binary on a sandbox host: apply keeps a network's ip_range, aux addresses and creation time in
/// /run/topo/networks (the sandbox's own /run), inspect shows them, a second apply keeps the time,
/// destroy removes the file.
/// </summary>
public sealed class InspectRecordsScenarioTests
{
    private static string Spec { get; } = TempSpec.Write("""
        version: 1
        name: rec
        networks:
          ranged: {subnet: 10.33.0.0/24, ip_range: 10.33.0.0/25, aux_addresses: {gw2: 10.33.0.2} }
        containers:
          edge: {networks: [ranged]}
        """);

    [Fact]
    public void Inspect_shows_what_apply_recorded_and_destroy_removes_the_record()
    {
        var s = SandboxShell.Run($"\nSPEC={Spec}\n" + """
            field() { python3 -c "import json,sys; n=json.load(sys.stdin)[0]; c=n['IPAM']['Config'][0]; print(n.get('Created','-'), c.get('IPRange','-'), c.get('AuxiliaryAddresses',{}).get('gw2','-'))"; }
            step apply $TOPO apply $SPEC
            step first echo "$($TOPO inspect ranged | field)"
            step again $TOPO apply $SPEC
            step second echo "$($TOPO inspect ranged | field)"
            step files ls /run/topo/networks
            step destroy $TOPO destroy $SPEC
            step left ls /run/topo/networks
            """);
        s.Ok("apply");
        var first = s.Ok("first").Output.Trim().Split(' ');
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$", first[0]);
        Assert.Equal(["10.33.0.0/25", "10.33.0.2"], first[1..]);
        s.Ok("again");
        Assert.Equal(s.Ok("first").Output, s.Ok("second").Output);
        Assert.Equal("rec.json\n", s.Ok("files").Output);
        s.Ok("destroy");
        Assert.Equal("", s.Ok("left").Output);
    }
}
