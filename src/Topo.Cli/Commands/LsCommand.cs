using System.CommandLine;
using Topo.Cli.Output;
using Topo.Core.Inventory;
using Topo.Core.Model;

namespace Topo.Cli.Commands;

/// <summary><c>topo ls</c>: networks and containers of every project on this host, like <c>docker network ls</c>.</summary>
internal static class LsCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("ls", "List the networks and containers of every project on this host");
        command.SetAction(_ =>
        {
            var inventory = HostInventory.Of(context.Host.Observe("", []));
            var w = context.Console.Out;
            Table.Write(w, ["NETWORK", "PROJECT", "DRIVER", "INTERFACE", "SUBNET", "CONTAINERS"],
                inventory.Networks.Select(n => new[]
                {
                    n.Name, Project(n.Project), n.Driver, n.Interface ?? "-", n.Subnet?.ToString() ?? "-",
                    n.Endpoints.Length.ToString(System.Globalization.CultureInfo.InvariantCulture),
                }));
            w.WriteLine();
            Table.Write(w, ["CONTAINER", "PROJECT", "NAMESPACE", "ADDRESSES"],
                inventory.Containers.Select(c => new[]
                {
                    c.Name, Project(c.Project), c.SharesWith is { } s ? $"{c.Namespace} (shares {s})" : c.Namespace,
                    c.Endpoints.IsEmpty ? "-" : string.Join(", ", c.Endpoints.Select(e => $"{e.Network}={e.Address?.Address}")),
                }));
            return ExitCodes.Success;
        });
        return command;
    }

    private static string Project(string project) => project == Label.SharedProject ? "(shared)" : project;
}
