using Topo.Core.Model;
using Topo.Core.Host;
using Topo.Scenarios.Support;

namespace Topo.Scenarios.Cli;

/// <summary>
/// <c>topo exec</c>'s command tree in-process: what it asks to become, and how it reports what
/// kept the command from starting. Becoming the command for real is ExecScenarioTests'.
/// </summary>
public sealed class ExecCommandTests
{
    private static readonly string File = TempSpec.Write("""
        version: 1
        name: x
        networks:
          front: {subnet: 10.1.0.0/24}
        containers:
          web: {networks: [front]}
          side: {network_mode: "container:web"}
          sidecar: {network_mode: "container:side"}
          tool: {network_mode: host}
          helper: {network_mode: "container:tool"}
          sealed: {network_mode: none}
        """);

    private static (CliRunner.Result Result, ExecRequest? Request) Exec(ExecFailure failure, params string[] args)
    {
        ExecRequest? asked = null;
        var result = CliRunner.Run(HostState.Empty, request =>
        {
            asked = request;
            return failure;
        }, ["exec", File, .. args]);
        return (result, asked);
    }

    private static readonly ExecFailure NotFound = new(ExecFailureKind.NotFound, "nope: command not found");

    [Fact]
    public void Everything_after_the_double_dash_is_the_command_as_given()
    {
        var (_, request) = Exec(NotFound, "web", "--", "sh", "-c", "exit 7", "--help", "@file");
        Assert.Equal(["sh", "-c", "exit 7", "--help", "@file"], request!.Command);
        Assert.Equal("web", request.Namespace);
    }

    [Theory]
    [InlineData("web", "web")]
    [InlineData("sealed", "sealed")]
    [InlineData("side", "web")]     // container:web, through its own name
    [InlineData("sidecar", "web")]  // container:side, which is container:web
    public void A_container_runs_in_its_own_name_which_must_carry_the_label_of_the_namespaces_owner(string container, string owner)
    {
        var (_, request) = Exec(NotFound, container, "--", "true");
        Assert.Equal(container, request!.Namespace);
        Assert.Null(request.VetOwner!(new Label("x", LabelRole.Container, owner)));
    }

    [Theory]
    [InlineData("tool")]
    [InlineData("helper")] // container:tool, which has no namespace: the host's, as apply has it
    public void Host_mode_runs_here_with_nothing_to_vet(string container)
    {
        var (_, request) = Exec(NotFound, container, "--", "true");
        Assert.Null(request!.Namespace);
        Assert.Null(request.VetOwner);
    }

    [Fact]
    public void A_namespace_is_refused_unless_its_label_is_the_files_project_and_owner()
    {
        var (_, request) = Exec(NotFound, "side", "--", "true");
        var vet = request!.VetOwner!;
        Assert.Equal("namespace 'side' is not topo's (no topo label on its lo): topo exec runs commands only in namespaces topo made", vet(null));
        Assert.Equal($"namespace 'side' belongs to project 'y', not to 'x' of {File}", vet(new Label("y", LabelRole.Container, "web")));
        // Still its own namespace on the host: the file's container:web is not applied yet.
        Assert.Equal(
            $"namespace 'side' is container 'side''s, but {File} gives container 'side' container 'web''s namespace: apply first: topo apply {File}",
            vet(new Label("x", LabelRole.Container, "side")));
    }

    [Fact]
    public void An_unknown_container_lists_the_files_containers_with_a_suggestion()
    {
        var (result, request) = Exec(NotFound, "sidcar", "--", "true");
        Assert.Null(request);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: no container 'sidcar' in {File}; did you mean 'sidecar'? (containers: helper, sealed, side, sidecar, tool, web)\n", result.Error);

        (result, _) = Exec(NotFound, "database", "--", "true");
        Assert.Equal($"error: no container 'database' in {File} (containers: helper, sealed, side, sidecar, tool, web)\n", result.Error);
    }

    [Theory]
    [InlineData(ExecFailureKind.NotFound, "nope: command not found", 127, "error: nope: command not found\n")]
    [InlineData(ExecFailureKind.NotExecutable, "./x: Permission denied", 126, "error: ./x: Permission denied\n")]
    [InlineData(ExecFailureKind.Refused, "namespace 'web' is not topo's", 1, "error: namespace 'web' is not topo's\n")]
    public void What_kept_the_command_from_starting_is_one_line_and_a_shells_status(ExecFailureKind kind, string detail, int exit, string error)
    {
        var (result, _) = Exec(new ExecFailure(kind, detail), "web", "--", "true");
        Assert.Equal(exit, result.ExitCode);
        Assert.Equal(error, result.Error);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public void No_namespace_yet_says_to_apply_first()
    {
        var (result, _) = Exec(new ExecFailure(ExecFailureKind.NoNamespace, "/run/netns/web"), "web", "--", "true");
        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: container 'web' has no namespace on this host yet (/run/netns/web does not exist): apply first: topo apply {File}\n", result.Error);
    }
}
