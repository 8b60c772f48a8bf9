using Topo.Scenarios.Support;

namespace Topo.Scenarios.Host;

/// <summary>
/// A container switching between a namespace of its own and <c>container:NAME</c> mode, for
/// real: each apply converges, and the names lead to the namespaces they should.
/// </summary>
public sealed class ContainerModeScenarioTests
{
    private const string Shared = """
        version: 1
        name: m
        networks:
          front: {subnet: 10.1.0.0/24}
        containers:
          web: {networks: [front]}
          side: {network_mode: "container:web"}
        """;

    private const string Separate = """
        version: 1
        name: m
        networks:
          front: {subnet: 10.1.0.0/24}
        containers:
          web: {network_mode: none}
          side: {networks: [front]}
        """;

    [Fact]
    public void Into_and_out_of_container_mode_each_apply_converges()
    {
        var shared = TempSpec.Write(Shared);
        var separate = TempSpec.Write(Separate);
        var s = SandboxShell.Run($"""
            $TOPO apply {shared} >/dev/null
            step separate $TOPO apply {separate}
            step separate_converged $TOPO plan {separate} --detailed-exitcode
            step separate_inodes sh -c '[ "$(stat -L -c %i /run/netns/web)" != "$(stat -L -c %i /run/netns/side)" ]'
            step side_addr ip -n side -4 -br addr show eth0
            step web_links ip -n web -br link show
            step ping ip netns exec side ping -c1 -W2 10.1.0.1
            step shared $TOPO apply {shared}
            step shared_converged $TOPO plan {shared} --detailed-exitcode
            step shared_inodes sh -c '[ "$(stat -L -c %i /run/netns/web)" = "$(stat -L -c %i /run/netns/side)" ]'
            step side_sees_web ip -n side -4 -br addr show eth0
            step ls $TOPO ls
            step destroy $TOPO destroy {shared}
            step netns ip netns list
            """);
        s.Ok("separate");
        s.Ok("separate_converged");
        s.Ok("separate_inodes");
        Assert.Contains("10.1.0.", s.Ok("side_addr").Output);
        Assert.DoesNotContain("eth0", s.Ok("web_links").Output); // none mode: lo only
        s.Ok("ping");
        s.Ok("shared");
        s.Ok("shared_converged");
        s.Ok("shared_inodes");
        Assert.Contains("10.1.0.", s.Ok("side_sees_web").Output);
        Assert.Contains("shares web", s.Ok("ls").Output);
        s.Ok("destroy");
        Assert.Empty(s.Ok("netns").Namespaces());
    }
}
