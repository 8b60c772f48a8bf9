using System.Text;

namespace Topo.Core.Tests.Support;

/// <summary>
/// Golden-file assertions: the expected text lives in tests/Topo.Core.Tests/golden/ under source
/// control. Run with TOPO_UPDATE_GOLDEN=1 to (re)write the files, then review the git diff.
/// </summary>
internal static class Golden
{
    private const string UpdateVariable = "TOPO_UPDATE_GOLDEN";

    public static string Directory { get; } = Path.Combine(FindRepositoryRoot(), "tests", "Topo.Core.Tests", "golden");

    public static void Verify(string relativePath, string actual)
    {
        var path = Path.Combine(Directory, relativePath);
        var update = Environment.GetEnvironmentVariable(UpdateVariable) == "1";
        if (update)
        {
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            return;
        }
        if (!File.Exists(path))
            Assert.Fail($"golden file {relativePath} does not exist; run the tests with {UpdateVariable}=1 to create it");

        var expected = File.ReadAllText(path, Encoding.UTF8);
        if (expected != actual)
            Assert.Fail($"{relativePath} differs from the golden file (- expected, + actual; {UpdateVariable}=1 accepts the new output):\n{Diff(expected, actual)}");
    }

    /// <summary>A line diff (longest common subsequence) with 2 lines of context around each change.</summary>
    internal static string Diff(string expected, string actual)
    {
        var a = expected.Split('\n');
        var b = actual.Split('\n');
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
            for (var j = b.Length - 1; j >= 0; j--)
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);

        var lines = new List<(char Op, string Text)>();
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                lines.Add((' ', a[x]));
                x++;
                y++;
            }
            else if (x < a.Length && (y == b.Length || lcs[x + 1, y] >= lcs[x, y + 1]))
            {
                lines.Add(('-', a[x++]));
            }
            else
            {
                lines.Add(('+', b[y++]));
            }
        }

        const int context = 2;
        var output = new StringBuilder();
        var lastShown = -1;
        for (var k = 0; k < lines.Count; k++)
        {
            var near = false;
            for (var d = -context; d <= context && !near; d++)
                near = k + d >= 0 && k + d < lines.Count && lines[k + d].Op != ' ';
            if (!near) continue;
            if (lastShown >= 0 && k > lastShown + 1) output.Append("@@\n");
            output.Append(lines[k].Op).Append(' ').Append(Visible(lines[k].Text)).Append('\n');
            lastShown = k;
        }
        return output.ToString();
    }

    /// <summary>Control bytes (ANSI escapes, a stray CR) shown so a diff of them is readable.</summary>
    private static string Visible(string line) => line.Replace("\u001b", "\\e").Replace("\r", "\\r");

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Topo.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"no Topo.sln above {AppContext.BaseDirectory}");
    }
}
