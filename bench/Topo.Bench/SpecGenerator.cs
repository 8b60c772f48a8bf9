using System.Text;

namespace Topo.Bench;

/// <summary>A large, valid topology file as text: N containers spread over M user networks (plus some on the default bridge).</summary>
internal static class SpecGenerator
{
    public static string Generate(int containers, int networks)
    {
        var yaml = new StringBuilder();
        yaml.AppendLine("version: 1").AppendLine("name: bench").AppendLine("networks:");
        for (var n = 0; n < networks; n++)
        {
            yaml.AppendLine($"  net{n}:");
            if (n % 2 == 0) yaml.AppendLine($"    subnet: 10.{n}.0.0/16");
            if (n % 5 == 4) yaml.AppendLine("    internal: true");
        }
        yaml.AppendLine("containers:");
        for (var c = 0; c < containers; c++)
        {
            yaml.AppendLine($"  c{c}:");
            if (c % 10 == 9) continue; // default bridge
            yaml.AppendLine("    networks:");
            yaml.AppendLine($"      net{c % networks}:");
            if (c % 7 == 0) yaml.AppendLine($"        aliases: [alias{c}]");
            if (c % 3 == 0 && networks > 1) yaml.AppendLine($"      net{(c + 1) % networks}: {{}}"); // a second network
        }
        return yaml.ToString();
    }
}
