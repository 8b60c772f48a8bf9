using Topo.Scenarios.Support;

namespace Topo.Scenarios.Host;

/// <summary>
/// Verification after an apply that only adds and deletes firewall elements reads back just the
/// sets the batch changed (docs/scale.md): an element the applier wrote wrong
/// (TOPO_FAILPOINT_CORRUPT_ELEMENT_WRITE) is still caught, and the next apply repairs it.
/// </summary>
public sealed class ElementVerificationScenarioTests
{
    private const string Small = """
        version: 1
        name: elemverify
        networks:
          lan: {subnet: 10.96.0.0/24}
        containers:
          web: {networks: [lan], ports: ["8080:80"]}
        """;

    private static readonly string Large = Small + """

          api: {networks: [lan], ports: ["9090:90", "9100-9110:9100-9110"]}
        """;

    [Fact]
    public void An_element_written_wrong_fails_verification_and_the_next_apply_repairs_it()
    {
        var small = TempSpec.Write(Small);
        var large = TempSpec.Write(Large);
        var s = SandboxShell.Run($"""
            step apply $TOPO apply {small}
            step corrupt env TOPO_FAILPOINT_CORRUPT_ELEMENT_WRITE=1 $TOPO apply {large}
            step table nft list table inet topo-elemverify
            step repair $TOPO apply {large}
            step plan $TOPO plan {large} --detailed-exitcode
            """);
        s.Ok("apply");
        var corrupt = s["corrupt"];
        Assert.Equal(1, corrupt.ExitCode);
        Assert.Contains("the host did not converge", corrupt.Output);
        Assert.Contains("corrupted by TOPO_FAILPOINT_CORRUPT_ELEMENT_WRITE", s.Ok("table").Output);
        Assert.Contains("Apply complete!", s.Ok("repair").Output);
        s.Ok("plan");
    }
}
