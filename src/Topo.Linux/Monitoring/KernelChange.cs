namespace Topo.Linux.Monitoring;

/// <summary>What kind of kernel object a notification was about.</summary>
public enum KernelChangeKind
{
    Link,
    Address,
    Route,
    /// <summary>An nftables table whose name has the monitor's prefix, or something inside it.</summary>
    Firewall,
    /// <summary>The kernel dropped notifications (receive queue overflow, ENOBUFS): resynchronise fully.</summary>
    Overflow,
}

/// <summary>What the notification said happened.</summary>
public enum KernelChangeAction
{
    /// <summary>Created, or for links (RTM_NEWLINK) created or changed.</summary>
    New,
    Deleted,
    /// <summary>Something inside an nftables table changed (chain, rule, set, element, object); also Overflow.</summary>
    Changed,
}

/// <summary>
/// One kernel notification about something topo may own. It means "look again" there, never
/// "this changed": the watcher reads the namespace (or the host) again whatever the change says.
/// </summary>
/// <param name="Namespace">The named namespace it happened in; "" for the host.</param>
/// <param name="Object">Link name; "ADDRESS/PREFIX on LINK"; route destination ("default",
/// "10.0.0.0/24", with " table N" outside the main table); nftables table name; "" for Overflow.</param>
public sealed record KernelChange(KernelChangeKind Kind, KernelChangeAction Action, string Namespace, string Object)
{
    /// <summary>The change that stands for "events were lost".</summary>
    public static KernelChange Overflow { get; } = new(KernelChangeKind.Overflow, KernelChangeAction.Changed, "", "");

    public bool IsHost => Namespace.Length == 0;

    /// <summary>Of a link change: the link's name, when the notification carried it (null: only its index was known).</summary>
    public string? LinkName { get; init; }

    /// <summary>Log-ready, e.g. "link veth1a2b3c4 deleted (host)", "nftables table topo-wp changed".</summary>
    public override string ToString() => Kind switch
    {
        KernelChangeKind.Overflow => "overflow: events lost, full resync",
        KernelChangeKind.Firewall => $"nftables table {Object} {Verb}",
        KernelChangeKind.Link => $"link {Object} {(Action == KernelChangeAction.New ? "added or changed" : Verb)} ({Where})",
        KernelChangeKind.Address => $"address {Object} {Verb} ({Where})",
        _ => $"route {Object} {Verb} ({Where})",
    };

    private string Verb => Action switch
    {
        KernelChangeAction.New => "added",
        KernelChangeAction.Deleted => "deleted",
        _ => "changed",
    };

    private string Where => IsHost ? "host" : $"namespace {Namespace}";
}
