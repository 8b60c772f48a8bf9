using Topo.Scenarios.Cli;
using Topo.Scenarios.Support;

// The other part of Golden is linked from Topo.Core.Tests, hence its namespace.
namespace Topo.Core.Tests.Support;

/// <summary>
/// The approved files of Topo.Scenarios (cases/EXAMPLE/plan.*), from the data PlanCommandTests walks,
/// so a test filter or the order tests run in cannot change the list.
/// </summary>
internal static partial class Golden
{
    private static partial IEnumerable<(string Directory, string Pattern)> OwnedDirectories() =>
        [(Repo.PathOf("tests/Topo.Scenarios/cases"), "*")];

    private static partial IEnumerable<string> ListedFiles() =>
        PlanCommandTests.Examples().Select(r => r.Data)
            .SelectMany(example => PlanCommandTests.Formats.Select(f => PlanCommandTests.ApprovedPlan(example, f.Extension)));
}
