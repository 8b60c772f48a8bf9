using System.Text.Json;
using Topo.Core.Model;
using Topo.Core.Planning;
using Topo.Core.Spec;
using Topo.Scenarios.Support;

namespace Topo.Scenarios.Cli;

/// <summary>`topo inspect` against a host (in memory) where two projects each have a network `net`.</summary>
public sealed class InspectCommandTests
{
    private static HostState Apply(HostState host, string project, string subnet)
    {
        var spec = SpecLoader.Parse($"""
            version: 1
            name: {project}
            networks:
              net:
                subnet: {subnet}
            containers:
              {project}-web:
                networks: [net]
            """, $"{project}.yaml").File!;
        var outcome = PlanBuilder.Build(spec, host);
        Assert.True(outcome.Succeeded, string.Join("\n", outcome.Errors));
        return PlanSimulator.Apply(host, outcome.Plan!);
    }

    private static readonly HostState TwoProjects = Apply(Apply(HostState.Empty, "alpha", "10.1.0.0/24"), "beta", "10.2.0.0/24");

    [Fact]
    public void A_name_two_projects_use_is_an_error_listing_project_slash_name_candidates()
    {
        var result = CliRunner.RunAgainst(TwoProjects, "inspect", "net");
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error: network 'net' exists in 2 projects; name one as PROJECT/NAME: alpha/net, beta/net\n", result.Error);
        Assert.Equal("[]\n", result.Out);
    }

    [Fact]
    public void Project_slash_name_picks_one()
    {
        var result = CliRunner.RunAgainst(TwoProjects, "inspect", "beta/net");
        Assert.True(result.ExitCode == 0, result.Error);
        var net = Assert.Single(JsonDocument.Parse(result.Out).RootElement.EnumerateArray());
        Assert.Equal("beta", net.GetProperty("Labels").GetProperty("topo.project").GetString());
        Assert.Equal("10.2.0.0/24", net.GetProperty("IPAM").GetProperty("Config")[0].GetProperty("Subnet").GetString());
    }

    [Theory]
    [InlineData("host", "host")]
    [InlineData("none", "null")]
    public void Host_and_none_always_exist_shaped_as_docker_shows_them(string name, string driver)
    {
        var result = CliRunner.RunAgainst(HostState.Empty, "inspect", name);
        Assert.True(result.ExitCode == 0, result.Error);
        var net = Assert.Single(JsonDocument.Parse(result.Out).RootElement.EnumerateArray());
        Assert.Equal(name, net.GetProperty("Name").GetString());
        Assert.Equal(driver, net.GetProperty("Driver").GetString());
        Assert.Equal(0, net.GetProperty("IPAM").GetProperty("Config").GetArrayLength());
        Assert.Empty(net.GetProperty("Options").EnumerateObject());
    }
}
