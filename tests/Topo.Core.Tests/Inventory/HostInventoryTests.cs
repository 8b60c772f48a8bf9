using System.Text.Json;
using Topo.Core.Inventory;
using Topo.Core.Spec;
using Topo.Core.Tests.Support;

namespace Topo.Core.Tests.Inventory;

public sealed class HostInventoryTests
{
    private static HostInventory TwoProjects()
    {
        var host = Pipeline.Converge(new SpecBuilder("wordpress").Network("internal", "192.168.1.0/24")
            .Container("mariadb", SpecBuilder.Attach("internal", "192.168.1.10"))
            .Container("wordpress", "internal", "bridge")
            .Mode("shell", NetworkModeKind.Container, "wordpress").Build());
        host = Pipeline.Converge(new SpecBuilder("other").Container("solo").Build(), host);
        return HostInventory.Of(host);
    }

    [Fact]
    public void Lists_networks_and_containers_of_every_project_from_labels_alone()
    {
        var inventory = TwoProjects();
        Assert.Equal(["-/bridge", "wordpress/internal"], inventory.Networks.Select(n => $"{n.Project}/{n.Name}"));
        var shared = inventory.Networks[0];
        Assert.Equal(["solo", "wordpress"], shared.Endpoints.Select(e => e.Container).Order());
        Assert.Equal(["other/solo", "wordpress/mariadb", "wordpress/shell", "wordpress/wordpress"],
            inventory.Containers.Select(c => $"{c.Project}/{c.Name}"));
        var shell = inventory.Containers.Single(c => c.Name == "shell");
        Assert.Equal("wordpress", shell.SharesWith);
        Assert.Equal(["eth0", "eth1"], shell.Endpoints.Select(e => e.Interface));
    }

    [Fact]
    public void Inspect_uses_dockers_field_names()
    {
        var json = DockerInspect.Render(TwoProjects().Networks.Where(n => n.Name == "internal"));
        using var doc = JsonDocument.Parse(json);
        var n = doc.RootElement[0];
        Assert.Equal("internal", n.GetProperty("Name").GetString());
        Assert.Equal("192.168.1.0/24", n.GetProperty("IPAM").GetProperty("Config")[0].GetProperty("Subnet").GetString());
        Assert.Equal("192.168.1.1", n.GetProperty("IPAM").GetProperty("Config")[0].GetProperty("Gateway").GetString());
        var containers = n.GetProperty("Containers").EnumerateObject().Select(p => p.Value).ToList();
        var mariadb = containers.Single(c => c.GetProperty("Name").GetString() == "mariadb");
        Assert.Equal("02:42:c0:a8:01:0a", mariadb.GetProperty("MacAddress").GetString());
        Assert.Equal("192.168.1.10/24", mariadb.GetProperty("IPv4Address").GetString());
        Assert.Matches("^[0-9a-f]{64}$", n.GetProperty("Id").GetString()!);
    }
}
