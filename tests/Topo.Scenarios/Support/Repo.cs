namespace Topo.Scenarios.Support;

/// <summary>Paths in the checkout, found from the test binary by walking up to Topo.sln.</summary>
internal static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    public static IEnumerable<string> Examples() =>
        Directory.GetFiles(PathOf("examples"), "*.yaml").Order(StringComparer.Ordinal);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Topo.sln"))) return dir.FullName;
        throw new InvalidOperationException("Topo.sln not found above " + AppContext.BaseDirectory);
    }
}
