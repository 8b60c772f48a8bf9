using System.Diagnostics.Tracing;

namespace Topo.Bench;

/// <summary>The runtime's allocation ticks (one every ~100 KB allocated) by type: where a phase's allocations go.</summary>
internal sealed class AllocationSampler : EventListener
{
    private readonly Dictionary<string, long> _bytes = [];
    private bool _on;

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (!_on || !e.EventName!.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.Payload is null) return;
        var type = e.Payload[e.PayloadNames!.IndexOf("TypeName")] as string ?? "?";
        var amount = Convert.ToInt64(e.Payload[e.PayloadNames!.IndexOf("AllocationAmount64")], System.Globalization.CultureInfo.InvariantCulture);
        lock (_bytes) _bytes[type] = _bytes.GetValueOrDefault(type) + amount;
    }

    public void Measure(string name, int runs, Action action)
    {
        action();
        lock (_bytes) _bytes.Clear();
        _on = true;
        for (var i = 0; i < runs; i++) action();
        _on = false;
        Console.WriteLine($"{name}: sampled allocations per run by type");
        lock (_bytes)
            foreach (var (type, bytes) in _bytes.OrderByDescending(kv => kv.Value).Take(25))
                Console.WriteLine($"  {bytes / runs / 1024.0 / 1024.0,7:F2} MiB  {type}");
    }
}
