namespace Topo.Core.Tests.Support;

public sealed class ApprovedFilesTests
{
    /// <summary>The list comes from the tests' data, not from what ran, so a filter cannot make this fail.</summary>
    [Fact]
    public void Every_approved_file_is_verified_by_a_test()
    {
        var stale = Golden.Stale();
        Assert.True(stale.Count == 0,
            "approved files that no test verifies (delete them, or list them in Support/Golden.Listed.cs if a test does):\n  " +
            string.Join("\n  ", stale));
    }
}
