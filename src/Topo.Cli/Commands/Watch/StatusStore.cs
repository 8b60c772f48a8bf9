using System.Text;
using System.Text.Json;

namespace Topo.Cli.Commands.Watch;

/// <summary>
/// The run directory of watchers: per project a status file (<c>PROJECT.json</c>), the
/// topology in force (<c>PROJECT.yaml</c>, so `topo status` can plan it against the live host),
/// and a lock that keeps a second watcher of the same project out.
/// </summary>
internal sealed class StatusStore(string directory, IRunFiles files)
{
    public string Directory { get; } = directory;

    public string StatusPath(string project) => Path.Combine(Directory, project + ".json");

    public string TopologyPath(string project) => Path.Combine(Directory, project + ".yaml");

    public string LockPath(string project) => Path.Combine(Directory, project + ".lock");

    /// <summary>Holds the project's watcher lock, or throws <see cref="WatcherBusyException"/> when another watcher has it.</summary>
    public IDisposable Claim(string project)
    {
        System.IO.Directory.CreateDirectory(Directory);
        if (files.TryLock(LockPath(project)) is { } held) return held;
        var other = Read(StatusPath(project));
        var who = other is null ? "another watcher" : $"the watcher with pid {other.Pid} (file {other.File})";
        throw new WatcherBusyException($"project \"{project}\" is already watched by {who}; one watcher per project");
    }

    /// <summary>
    /// A watcher of PROJECT holds its lock right now (a pid could be reused; a lock dies with
    /// its process). Unknown (no permission to try) counts as not held.
    /// </summary>
    public bool IsClaimed(string project)
    {
        try
        {
            using var probe = new FileStream(LockPath(project), FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            return false;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    public void Write(WatchStatus status, string? topologyText)
    {
        System.IO.Directory.CreateDirectory(Directory);
        if (topologyText is not null) Replace(TopologyPath(status.Project), Encoding.UTF8.GetBytes(topologyText));
        Replace(StatusPath(status.Project), Serialize(status));
    }

    /// <summary>Every watcher that left a status here, by project.</summary>
    public IReadOnlyList<WatchStatus> List()
    {
        if (!System.IO.Directory.Exists(Directory)) return [];
        return [.. System.IO.Directory.EnumerateFiles(Directory, "*.json").Order(StringComparer.Ordinal).Select(Read).OfType<WatchStatus>()];
    }

    /// <summary>
    /// Readers never see half a file: a fresh temporary beside it, renamed over it. Never through a
    /// symbolic link: a fixed temporary name (PATH.tmp) was one a link could be planted at.
    /// </summary>
    private void Replace(string path, byte[] content) => files.Replace(path, content);

    private static byte[] Serialize(WatchStatus s)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("format", WatchStatus.Format);
            json.WriteNumber("version", WatchStatus.Version);
            json.WriteNumber("pid", s.Pid);
            json.WriteString("file", s.File);
            json.WriteString("project", s.Project);
            json.WriteString("started", s.Started);
            json.WriteBoolean("running", s.Running);
            json.WriteNumber("reconciles", s.Reconciles);
            json.WriteNumber("drift_repairs", s.DriftRepairs);
            json.WriteNumber("failures", s.Failures);
            if (s.Last is { } last)
            {
                json.WriteStartObject("last_reconcile");
                json.WriteString("time", last.Time);
                json.WriteString("trigger", last.Trigger);
                json.WriteString("result", last.Result);
                json.WriteString("message", last.Message);
                json.WriteNumber("duration_ms", Math.Round(last.DurationMs, 1));
                json.WriteEndObject();
            }
            if (s.Plan is { } plan) json.WriteString("plan", plan);
            else json.WriteNull("plan");
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>A status file, or null when it is missing or not one of ours.</summary>
    public static WatchStatus? Read(string path)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            var r = doc.RootElement;
            if (r.GetProperty("format").GetString() != WatchStatus.Format || r.GetProperty("version").GetInt32() != WatchStatus.Version) return null;
            ReconcileRecord? last = null;
            if (r.TryGetProperty("last_reconcile", out var l))
            {
                last = new ReconcileRecord(
                    l.GetProperty("time").GetDateTimeOffset(), l.GetProperty("trigger").GetString()!,
                    l.GetProperty("result").GetString()!, l.GetProperty("message").GetString()!,
                    l.GetProperty("duration_ms").GetDouble());
            }
            return new WatchStatus(
                r.GetProperty("pid").GetInt32(), r.GetProperty("file").GetString()!, r.GetProperty("project").GetString()!,
                r.GetProperty("started").GetDateTimeOffset(), r.GetProperty("running").GetBoolean(),
                r.GetProperty("reconciles").GetInt64(), r.GetProperty("drift_repairs").GetInt64(), r.GetProperty("failures").GetInt64(),
                last, r.GetProperty("plan").GetString());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}
