using System.CommandLine;
using Topo.Core.Inventory;

namespace Topo.Cli.Commands;

/// <summary>
/// <c>topo inspect NAME…</c>: networks as <c>docker network inspect</c> shows them. PROJECT/NAME
/// picks one project's; a NAME several projects have is an error listing them. <c>host</c> and
/// <c>none</c> always exist.
/// </summary>
internal static class InspectCommand
{
    public static Command Create(CliContext context)
    {
        var names = new Argument<string[]>("network") { Description = "Network names (PROJECT/NAME when several projects use the name)", Arity = ArgumentArity.OneOrMore };
        var command = new Command("inspect", "Show networks in the shape of docker network inspect") { names };
        command.SetAction(parse =>
        {
            var inventory = HostInventory.Of(context.Host.Observe("", []), context.Host.ReadRecords);
            var found = new List<NetworkEntry>();
            var failed = false;
            foreach (var name in parse.GetValue(names)!)
            {
                if (HostInventory.BuiltIn(name) is { } builtIn)
                {
                    found.Add(builtIn);
                    continue;
                }
                var slash = name.IndexOf('/');
                var matches = inventory.Networks.Where(n => slash < 0
                    ? n.Name == name
                    : n.Project == name[..slash] && n.Name == name[(slash + 1)..]).ToList();
                if (matches.Count == 0)
                {
                    context.Console.Error.WriteLine($"error: no such network: {name}");
                    failed = true;
                }
                else if (matches.Count > 1)
                {
                    // Several projects have a network of that name: which one is meant is the user's to say.
                    context.Console.Error.WriteLine(
                        $"error: network '{name}' exists in {matches.Count} projects; name one as PROJECT/NAME: " +
                        string.Join(", ", matches.Select(n => $"{n.Project}/{n.Name}")));
                    failed = true;
                }
                else found.Add(matches[0]);
            }
            context.Console.Out.Write(DockerInspect.Render(found));
            return failed ? ExitCodes.Error : ExitCodes.Success;
        });
        return command;
    }
}
