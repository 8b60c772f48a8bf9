using Topo.Cli;
using Topo.Core.Host;
using Topo.Core.Model;
using Topo.Scenarios.Support;

namespace Topo.Scenarios.Cli;

/// <summary>
/// What a user reads when an apply fails on the host, the host being the in-memory one behind the
/// same port as Linux: the failing step, the kernel's words, what was rolled back and what a
/// failed undo left behind, exit 1. (RollbackScenarioTests makes real steps fail on a real kernel.)
/// </summary>
public sealed class FailedApplyCommandTests
{
    private static readonly string File = TempSpec.Write("""
        version: 1
        name: shop
        networks:
          back: {subnet: 10.20.0.0/24}
        containers:
          web: {networks: [back]}
        """);

    // Step 3 of the plan from an empty host: sysctl, namespace, then the network's bridge.
    private static readonly FailingStep BridgeExists = new(3, "File exists (errno 17)", "Device already exists");

    private static CliRunner.Result Run(MemoryHost host, string verb = "apply") => CliRunner.RunAgainst(host, verb, File);

    [Fact]
    public void A_failed_step_is_named_with_the_kernels_words_and_the_steps_before_it_rolled_back()
    {
        var result = Run(new MemoryHost(HostState.Empty) { Failure = BridgeExists });

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("""
            error: apply failed at step 3: create link br-aa4d12576c59
              create link br-aa4d12576c59: File exists (errno 17): Device already exists
              2 step(s) had been applied before it, and were rolled back:
                create sysctl host net.ipv4.ip_forward
                create namespace web

            """, result.Error);
        Assert.Contains("Plan: ", result.Out); // the plan was shown before applying
        Assert.DoesNotContain("complete!", result.Out);
    }

    [Fact]
    public void An_undo_that_fails_is_named_and_the_user_told_what_is_left_and_how_to_finish()
    {
        var result = Run(new MemoryHost(HostState.Empty) { Failure = BridgeExists with { UndoFails = new HashSet<int> { 2 } } });

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("""
            error: apply failed at step 3: create link br-aa4d12576c59
              create link br-aa4d12576c59: File exists (errno 17): Device already exists
              2 step(s) had been applied before it, and were rolled back except where said below:
                create sysctl host net.ipv4.ip_forward
                create namespace web
              rollback failed: undo of 'create namespace web' failed: Device or resource busy (errno 16)
              left on the host: what those steps made or changed; `topo apply` again finishes from there

            """, result.Error);
    }

    [Fact]
    public void A_first_step_that_fails_says_nothing_had_been_applied_and_leaves_out_a_kernel_line_it_did_not_get()
    {
        var result = Run(new MemoryHost(HostState.Empty) { Failure = new FailingStep(1, "Read-only file system (errno 30)") });

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("""
            error: apply failed at step 1: create sysctl host net.ipv4.ip_forward
              create sysctl host net.ipv4.ip_forward: Read-only file system (errno 30)
              nothing had been applied before it

            """, result.Error);
    }

    [Fact]
    public void Not_root_as_the_host_port_says_it_gets_the_hint_to_run_as_root()
    {
        var denied = new PermissionDeniedException("cannot open the apply lock /run/topo.lock: permission denied");
        var result = Run(new MemoryHost(HostState.Empty) { LockError = denied });

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: cannot open the apply lock /run/topo.lock: permission denied\n{CliApp.NeedsRootHint}\n", result.Error);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public void Another_apply_holding_the_lock_is_one_line_without_the_root_hint()
    {
        var busy = new ApplyLockException("/run/topo.lock", TimeSpan.FromSeconds(60));
        var result = Run(new MemoryHost(HostState.Empty) { LockError = busy }, "destroy");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error: another topo apply is running (lock /run/topo.lock held); gave up after 60 s\n", result.Error);
    }
}
