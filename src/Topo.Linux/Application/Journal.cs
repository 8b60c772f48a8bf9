namespace Topo.Linux.Application;

/// <summary>Completed steps with their undo, rolled back in reverse on failure.</summary>
internal sealed class Journal(Failpoints? failpoints = null)
{
    private readonly List<(JournalEntry Entry, Action? Undo)> _steps = [];
    private readonly Failpoints _failpoints = failpoints ?? Failpoints.None;

    public IReadOnlyList<JournalEntry> Entries => _steps.Select(s => s.Entry).ToList();

    /// <summary>Steps completed so far.</summary>
    public int Count => _steps.Count;

    public void Record(int actionId, string did, string undoDescription, Action? undo)
    {
        _steps.Add((new JournalEntry(actionId, did, undoDescription), undo));
        _failpoints.AfterStep(_steps.Count);
    }

    /// <summary>Undoes everything in reverse; returns the failures (best effort: it keeps going).</summary>
    public List<string> RollBack()
    {
        var failures = new List<string>();
        for (var i = _steps.Count - 1; i >= 0; i--)
        {
            var (entry, undo) = _steps[i];
            if (undo is null)
            {
                failures.Add($"cannot undo '{entry.Did}'");
                continue;
            }
            try
            {
                _failpoints.BeforeUndo(i + 1);
                undo();
            }
            catch (Exception e)
            {
                failures.Add($"undo of '{entry.Did}' ({entry.Undo}) failed: {e.Message}");
            }
        }
        _steps.Clear();
        return failures;
    }
}
