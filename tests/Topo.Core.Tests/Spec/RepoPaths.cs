namespace Topo.Core.Tests.Spec;

/// <summary>Finds the checkout (the folder holding Topo.sln) from the test's output directory.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Examples => Path.Combine(Root, "examples");

    public static string Schemas => Path.Combine(Root, "schemas");

    /// <summary>The broken-file corpus in the source tree, where its approved .expected files are written.</summary>
    public static string Broken => Path.Combine(Root, "tests", "Topo.Core.Tests", "Spec", "broken");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Topo.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no Topo.sln above {AppContext.BaseDirectory}");
    }
}
