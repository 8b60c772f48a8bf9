namespace Topo.Linux.Tests.Namespaces;

/// <summary>
/// Symbolic links planted where topo keeps namespace names (issue 12, item 5): every call refuses
/// them with a message that says so, and none acts on what they point at.
/// </summary>
public sealed class PlantedLinkTests
{
    [Fact]
    public void A_link_in_the_namespace_directory_is_refused_not_followed()
    {
        Sandbox.Sandbox.SkipUnlessRoot();
        using var sandbox = Sandbox.Sandbox.Create();
        var store = sandbox.Store;
        using var real = store.Create("real");
        // A link named like a container, pointing at another namespace (here: the sandbox's "host").
        File.CreateSymbolicLink(store.PathOf("web"), sandbox.Host.Path);

        Assert.True(store.Exists("web"));
        var open = Assert.Throws<IOException>(() => store.Open("web"));
        Assert.Contains("is a symbolic link", open.Message);
        var identity = Assert.Throws<IOException>(() => store.Identity("web"));
        Assert.Contains("is a symbolic link", identity.Message);
        var create = Assert.Throws<IOException>(() => store.Create("web"));
        Assert.Contains("is a symbolic link", create.Message);
        // container:web mode would bind the link's target under a second name.
        File.CreateSymbolicLink(store.PathOf("db"), store.PathOf("real"));
        var bind = Assert.Throws<IOException>(() => store.Bind("shell", "db"));
        Assert.Contains("is a symbolic link", bind.Message);
        Assert.False(Path.Exists(store.PathOf("shell")));
    }

    [Fact]
    public void Deleting_a_planted_link_never_unmounts_what_it_points_at()
    {
        Sandbox.Sandbox.SkipUnlessRoot();
        using var sandbox = Sandbox.Sandbox.Create();
        var store = sandbox.Store;
        using var real = store.Create("real");
        var before = store.Identity("real");
        File.CreateSymbolicLink(store.PathOf("web"), store.PathOf("real"));

        store.Delete("web");

        Assert.False(Path.Exists(store.PathOf("web")) || new FileInfo(store.PathOf("web")).LinkTarget is not null);
        Assert.Equal(before, store.Identity("real")); // still mounted: umount2 did not follow the link
        Assert.Contains(store.PathOf("real"), File.ReadAllText("/proc/self/mountinfo"));
    }

    [Fact]
    public void Deleting_a_name_whose_etc_directory_is_a_link_removes_the_link_only()
    {
        Sandbox.Sandbox.SkipUnlessRoot();
        using var sandbox = Sandbox.Sandbox.Create();
        var store = sandbox.Store;
        using (store.Create("web")) { }
        var etc = Path.Combine(store.Options.EtcDirectory, "web");
        Directory.Delete(etc);
        var victim = Directory.CreateDirectory(Path.Combine(sandbox.Root, "victim")).FullName;
        File.WriteAllText(Path.Combine(victim, "keep"), "precious");
        Directory.CreateSymbolicLink(etc, victim);

        store.Delete("web");

        Assert.False(Path.Exists(etc));
        Assert.Equal("precious", File.ReadAllText(Path.Combine(victim, "keep")));
    }

    [Fact]
    public void A_namespace_directory_that_is_a_link_is_refused()
    {
        Sandbox.Sandbox.SkipUnlessRoot();
        using var sandbox = Sandbox.Sandbox.Create();
        var elsewhere = Directory.CreateDirectory(Path.Combine(sandbox.Root, "elsewhere")).FullName;
        var linked = Path.Combine(sandbox.Root, "netns-link");
        Directory.CreateSymbolicLink(linked, elsewhere);
        var store = new Topo.Linux.Namespaces.NamespaceStore(
            new Topo.Linux.Namespaces.NamespaceStoreOptions { NetnsDirectory = linked, EtcDirectory = Path.Combine(sandbox.Root, "etc") },
            sandbox.Thread);

        try
        {
            var e = Assert.Throws<IOException>(() => store.Create("web"));
            Assert.Contains("is a symbolic link", e.Message);
            Assert.Empty(Directory.GetFileSystemEntries(elsewhere));
        }
        finally
        {
            // Without the protection the store mounts through the link: leave nothing behind then either.
            Topo.Linux.Namespaces.NamespaceStore.Unmount(Path.Combine(elsewhere, "web"));
            Topo.Linux.Namespaces.NamespaceStore.Unmount(elsewhere);
        }
    }
}
