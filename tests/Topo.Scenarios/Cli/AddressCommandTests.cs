using Topo.Core.Model;
using Topo.Core.Planning;
using Topo.Core.Spec;
using Topo.Scenarios.Support;

namespace Topo.Scenarios.Cli;

/// <summary>IPAM as a user meets it: an address a running container holds is never taken from it.</summary>
public sealed class AddressCommandTests
{
    private const string Before = """
        version: 1
        name: shop
        networks:
          back:
            subnet: 10.20.0.0/24
        containers:
          web:
            networks: [back]

        """;

    private const string After = Before + """
          db:
            networks:
              back:
                ipv4: 10.20.0.2

        """;

    /// <summary>The host once <paramref name="yaml"/> is applied (simulated).</summary>
    private static HostState Applied(string yaml)
    {
        var spec = SpecLoader.Parse(yaml, "before.yaml").File!;
        var outcome = PlanBuilder.Build(spec, HostState.Empty);
        Assert.True(outcome.Succeeded, string.Join("\n", outcome.Errors));
        return PlanSimulator.Apply(HostState.Empty, outcome.Plan!);
    }

    private const string Message =
        "error: container 'db': address 10.20.0.2 on network 'back' is already in use by container 'web' " +
        "(allocated to it earlier; topo never renumbers a running container); choose another address for 'db', or give 'web' another one with ipv4:";

    [Fact]
    public void Plan_refuses_a_static_address_that_a_running_container_was_allocated_naming_both_at_the_ipv4_value()
    {
        var before = TempSpec.Write(Before);
        var after = TempSpec.Write(After);
        var result = CliRunner.Run("plan", after, "--against", before);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"{after}:12:15: {Message}\n", result.Error);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public void Apply_refuses_it_too_and_changes_nothing()
    {
        var host = Applied(Before);
        var result = CliRunner.RunAgainst(host, "apply", TempSpec.Write(After));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains(Message, result.Error);
        Assert.Equal("", result.Out); // no plan shown, nothing applied
    }
}
