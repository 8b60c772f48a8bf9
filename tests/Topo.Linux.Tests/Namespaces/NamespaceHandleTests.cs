using Topo.Linux.Namespaces;

namespace Topo.Linux.Tests.Namespaces;

/// <summary>
/// A namespace's file handle tells, after its name is gone, whether something still holds it or
/// the kernel is tearing it down: what the applier asks before deleting a veth one by one.
/// </summary>
public sealed class NamespaceHandleTests
{
    [Fact]
    public void A_namespace_read_by_handle_lives_while_held_and_is_dying_once_released()
    {
        Sandbox.Sandbox.SkipUnlessRoot();
        using var sandbox = Sandbox.Sandbox.Create();
        var store = sandbox.Store;
        store.Create("held").Dispose();
        store.Create("free").Dispose();
        store.Thread.Run(sandbox.Host, static () => { }); // the namespace thread stays in the last one it made
        var held = NamespaceHandle.Of(store.PathOf("held"));
        var free = NamespaceHandle.Of(store.PathOf("free"));
        Assert.NotNull(held); // nsfs file handles: Linux 6.18, the kernel of this machine and CI
        Assert.NotNull(free);

        using (store.Open("held"))
        {
            store.Delete("held");
            store.Delete("free");
            Assert.Equal(NamespaceLife.Lives, held.Life());
            Assert.Equal(NamespaceLife.Dying, free.Life());
        }
        Assert.Equal(NamespaceLife.Dying, held.Life());
    }
}
