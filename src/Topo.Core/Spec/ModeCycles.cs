namespace Topo.Core.Spec;

/// <summary>Finds <c>network_mode: container:NAME</c> chains that come back to where they started.</summary>
internal static class ModeCycles
{
    public static void Check(List<ContainerSpec> containers, Dictionary<string, ContainerSpec> byName, DiagnosticBag bag)
    {
        // 0 = not visited, 1 = on the current walk, 2 = done (ends at a namespace owner or is reported).
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        var path = new List<ContainerSpec>();
        foreach (var start in containers)
        {
            if (start.Mode != NetworkModeKind.Container || state.GetValueOrDefault(start.Name) != 0) continue;
            path.Clear();
            var c = start;
            while (c is { Mode: NetworkModeKind.Container, ModeTarget: { } target } && target != c.Name)
            {
                var s = state.GetValueOrDefault(c.Name);
                if (s == 2) break;
                if (s == 1)
                {
                    Report(path, c, bag);
                    break;
                }
                state[c.Name] = 1;
                path.Add(c);
                if (!byName.TryGetValue(target, out var next)) break;
                c = next;
            }
            foreach (var p in path) state[p.Name] = 2;
        }
    }

    private static void Report(List<ContainerSpec> path, ContainerSpec again, DiagnosticBag bag)
    {
        var from = path.FindIndex(p => p.Name == again.Name);
        var names = new List<string>();
        for (var i = from; i < path.Count; i++) names.Add(path[i].Name);
        names.Add(again.Name);
        bag.Error(again.At("network_mode"), $"network_mode forms a cycle: {string.Join(" -> ", names)}; one of them must own its namespace (networks: or host/none)");
    }
}
