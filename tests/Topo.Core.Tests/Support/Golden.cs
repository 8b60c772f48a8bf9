using System.Text;

namespace Topo.Core.Tests.Support;

/// <summary>
/// Approval tests: the approved text lives under source control (golden/, the broken corpus's
/// .expected files, tests/Topo.Scenarios/cases/). A mismatch writes NAME.received.EXT beside the
/// approved file and fails with the diff; a match deletes a leftover .received file.
/// TOPO_APPROVE=1 writes the output over the approved file and still fails, so a run that approves
/// never passes: review the change with git diff, then run again without it.
/// Each assembly lists the files it approves in its Golden.Listed.cs, from the data its tests walk;
/// verifying a file that is not listed fails, and so does an approved file on disk that is not
/// listed (stale). See docs/testing.md.
/// </summary>
internal static partial class Golden
{
    public const string ApproveVariable = "TOPO_APPROVE";

    /// <summary>The old name, still accepted.</summary>
    private const string OldApproveVariable = "TOPO_UPDATE_GOLDEN";

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string Directory { get; } = Path.Combine(RepositoryRoot, "tests", "Topo.Core.Tests", "golden");

    private static readonly Lazy<Approver> Default = new(() =>
        new Approver(Directory, ApproveRequested(), ListedFiles().Select(p => Path.GetFullPath(Path.Combine(Directory, p))).ToHashSet()));

    /// <summary>Compares <paramref name="actual"/> with the approved file at <paramref name="path"/>
    /// (relative to <see cref="Directory"/>, or absolute).</summary>
    public static void Verify(string path, string actual) => Default.Value.Verify(path, actual);

    /// <summary>Approved files under the directories this assembly owns that no test lists, relative to the repository.</summary>
    public static IReadOnlyList<string> Stale() => Approver.Unlisted(OwnedDirectories(), Default.Value.Listed!)
        .Select(p => Path.GetRelativePath(RepositoryRoot, p)).ToList();

    /// <summary>Every approved file this assembly's tests verify (relative to <see cref="Directory"/>, or
    /// absolute), computed from the same data the tests walk so that a test filter cannot change it.</summary>
    private static partial IEnumerable<string> ListedFiles();

    /// <summary>The directories (and file patterns) whose files are approved files of this assembly.</summary>
    private static partial IEnumerable<(string Directory, string Pattern)> OwnedDirectories();

    private static bool ApproveRequested() =>
        Environment.GetEnvironmentVariable(ApproveVariable) == "1" || Environment.GetEnvironmentVariable(OldApproveVariable) == "1";

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
