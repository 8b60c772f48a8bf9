namespace Topo.Linux.Namespaces;

/// <summary>
/// Which namespace a handle or a name leads to: its nsfs device and inode. Two names with the same
/// identity are one namespace (container mode); a name whose identity changed leads to another
/// namespace than before, even when the name stayed.
/// </summary>
public readonly record struct NamespaceIdentity(ulong Device, ulong Inode);
