using System.CommandLine;
using Topo.Core.Host;
using Topo.Core.Model;
using Topo.Core.Resolution;
using Topo.Core.Spec;

namespace Topo.Cli.Commands;

/// <summary>
/// <c>topo exec FILE CONTAINER -- COMMAND [ARGS…]</c>: this process becomes COMMAND inside the
/// container's network namespace, with /etc/netns/CONTAINER/* over /etc, as
/// <c>ip netns exec CONTAINER</c> would run it; COMMAND's exit status is topo's. The file says
/// which project and mode: <c>host</c> runs COMMAND right here, <c>container:NAME</c> in NAME's
/// namespace (through the container's own name for it), <c>none</c> in its namespace with only
/// <c>lo</c>. Only a namespace of the file's project, labelled for the container the file says,
/// is entered.
/// </summary>
internal static class ExecCommand
{
    /// <summary>What topo exec will run a command in.</summary>
    /// <param name="Namespace">The named namespace; null: the host's (network_mode: host).</param>
    /// <param name="Owner">The container whose label the namespace's lo must carry.</param>
    internal sealed record Target(string? Namespace, Label? Owner);

    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("file") { Description = "The topology file the container is declared in" };
        var container = new Argument<string>("container") { Description = "The container whose network namespace to run in" };
        var program = new Argument<string[]>("command")
        {
            Description = "The command and its arguments, after --",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command("exec", "Run a command in a container's network namespace with its /etc/netns files, as `ip netns exec` (needs root)")
        {
            file, container, program,
        };
        command.SetAction(parse => Run(context, parse.GetValue(file)!, parse.GetValue(container)!, parse.GetValue(program)!));
        return command;
    }

    private static int Run(CliContext context, string path, string name, string[] program)
    {
        var error = context.Console.Error;
        var spec = SpecInput.Load(context.Console, path);
        if (spec is null) return ExitCodes.Error;
        if (Resolve(spec, name, out var message) is not { } target)
        {
            error.WriteLine($"error: {message}");
            return ExitCodes.Error;
        }

        var request = new ExecRequest(target.Namespace, program)
        {
            VetOwner = target.Owner is { } expected ? owner => Vet(owner, expected, target.Namespace!, path) : null,
            Warn = warning => error.WriteLine($"warning: {warning}"),
        };
        // Returns only if COMMAND did not start.
        var failure = context.Exec(request);
        switch (failure.Kind)
        {
            case ExecFailureKind.NoNamespace:
                error.WriteLine($"error: container '{name}' has no namespace on this host yet ({failure.Detail} does not exist): apply first: topo apply {path}");
                return ExitCodes.Error;
            case ExecFailureKind.Refused:
                error.WriteLine($"error: {failure.Detail}");
                return ExitCodes.Error;
            case ExecFailureKind.NotFound:
                error.WriteLine($"error: {failure.Detail}");
                return ExitCodes.CommandNotFound;
            default:
                error.WriteLine($"error: {failure.Detail}");
                return ExitCodes.CommandNotExecutable;
        }
    }

    /// <summary>
    /// Where CONTAINER of the file runs; null (and why) when the file has no such container. A
    /// <c>container:NAME</c> chain that ends in host mode runs on the host, as apply has it.
    /// </summary>
    internal static Target? Resolve(TopologyFile spec, string name, out string? error)
    {
        error = null;
        if (spec.FindContainer(name) is not { } container)
        {
            var names = spec.Containers.Select(c => c.Name).Order(StringComparer.Ordinal).ToList();
            var hint = KeySuggester.Suggest(name, names) is { } s ? $"; did you mean '{s}'?" : "";
            var listed = names.Count == 0 ? "it declares none" : $"containers: {string.Join(", ", names)}";
            error = $"no container '{name}' in {spec.Path}{hint} ({listed})";
            return null;
        }
        if (container.Mode == NetworkModeKind.Host) return new Target(null, null);
        var owner = container.Mode == NetworkModeKind.Container ? Resolver.OwnerOfNamespace(spec, container) : container;
        // A chain that ends in a host-mode container: no namespace of its own, as apply makes it.
        if (owner is null) return new Target(null, null);
        return new Target(container.Name, new Label(spec.Name, LabelRole.Container, owner.Name));
    }

    /// <summary>The namespace's lo label against what the file says: null to go ahead, else why not.</summary>
    internal static string? Vet(Label? found, Label expected, string ns, string path)
    {
        if (found is null)
            return $"namespace '{ns}' is not topo's (no topo label on its lo): topo exec runs commands only in namespaces topo made";
        if (found.Project != expected.Project)
            return $"namespace '{ns}' belongs to project '{found.Project}', not to '{expected.Project}' of {path}";
        if (found.Role != LabelRole.Container || found.Name != expected.Name)
        {
            var wanted = expected.Name == ns ? "its own namespace" : $"container '{expected.Name}''s namespace";
            return $"namespace '{ns}' is {Describe(found)}, but {path} gives container '{ns}' {wanted}: apply first: topo apply {path}";
        }
        return null;
    }

    private static string Describe(Label label) => label.Role == LabelRole.Container
        ? $"container '{label.Name}''s"
        : $"labelled {label}";
}
