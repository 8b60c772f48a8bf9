using System.CommandLine;
using Topo.Core.Inventory;

namespace Topo.Cli.Commands;

/// <summary><c>topo inspect NAME…</c>: networks as <c>docker network inspect</c> shows them. PROJECT/NAME picks one project's.</summary>
internal static class InspectCommand
{
    public static Command Create(CliContext context)
    {
        var names = new Argument<string[]>("network") { Description = "Network names (PROJECT/NAME when several projects use the name)", Arity = ArgumentArity.OneOrMore };
        var command = new Command("inspect", "Show networks in the shape of docker network inspect") { names };
        command.SetAction(parse =>
        {
            var inventory = HostInventory.Of(context.Host.Observe("", []));
            var found = new List<NetworkEntry>();
            var missing = false;
            foreach (var name in parse.GetValue(names)!)
            {
                var slash = name.IndexOf('/');
                var matches = inventory.Networks.Where(n => slash < 0
                    ? n.Name == name
                    : n.Project == name[..slash] && n.Name == name[(slash + 1)..]).ToList();
                if (matches.Count == 0)
                {
                    context.Console.Error.WriteLine($"error: no such network: {name}");
                    missing = true;
                }
                found.AddRange(matches);
            }
            context.Console.Out.Write(DockerInspect.Render(found));
            return missing ? ExitCodes.Error : ExitCodes.Success;
        });
        return command;
    }
}
