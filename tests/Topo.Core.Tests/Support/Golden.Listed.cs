using Topo.Core.Tests.Firewall;
using Topo.Core.Tests.Rendering;
using Topo.Core.Tests.Spec;

namespace Topo.Core.Tests.Support;

/// <summary>
/// The approved files of Topo.Core.Tests, from the theory data each approval test walks (so a test
/// filter or the order tests run in cannot change the list). A new approval test adds its files here.
/// </summary>
internal static partial class Golden
{
    private static partial IEnumerable<(string Directory, string Pattern)> OwnedDirectories() =>
        [(Directory, "*"), (RepoPaths.Broken, "*.expected")];

    private static partial IEnumerable<string> ListedFiles()
    {
        foreach (var plan in TextRendererTests.Plans.Select(r => r.Data))
        {
            yield return $"rendering/{plan}.txt";       // TextRendererTests
            yield return $"rendering/{plan}.color.txt"; // TextRendererTests
            yield return $"rendering/{plan}.md";        // MarkdownRendererTests
            yield return $"rendering/{plan}.json";      // JsonRendererTests
        }
        yield return "snapshot/observed.json"; // StateJsonTests
        foreach (var example in RulesetBuilderTests.Examples().Select(r => r.Data))
            yield return $"firewall/{example}.nft";
        foreach (var name in BrokenCorpusTests.Cases().Select(r => r.Data))
            yield return BrokenCorpusTests.ExpectedPath(name);
    }
}
