using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Topo.Core.Model;
using Topo.Core.Snapshot;

namespace Topo.Cli.Commands.Confirm;

/// <summary>
/// An apply waiting for <c>topo confirm</c>: the project's objects as they were before it (the
/// checkpoint), until when, and who waits. Kept on disk so that it outlives the process that
/// applied: whoever finds it past its deadline rolls back.
/// </summary>
internal sealed record PendingConfirmation(string Project, string File, DateTimeOffset Deadline, int Pid, HostState Checkpoint)
{
    public bool Expired(DateTimeOffset now) => now >= Deadline;

    /// <summary>Whether the process that applied still waits (it rolls back itself then).</summary>
    public bool WaiterAlive => Pid > 0 && Directory.Exists($"/proc/{Pid}") && Pid != Environment.ProcessId;
}

/// <summary>The pending confirmations of this host: one file per project in RUN/confirm (TOPO_RUN_DIR moves RUN from /run/topo).</summary>
internal sealed class PendingConfirmations(string directory)
{
    public static PendingConfirmations Default() => new(Path.Combine(
        Environment.GetEnvironmentVariable("TOPO_RUN_DIR") is { Length: > 0 } run ? run : "/run/topo", "confirm"));

    public string Directory { get; } = directory;

    private const string RollingBack = ".rollback";

    private string PathOf(string project) => Path.Combine(Directory, project + ".json");

    /// <summary>Every pending confirmation, and every rollback that was claimed and did not finish.</summary>
    public IReadOnlyList<PendingConfirmation> List()
    {
        if (!System.IO.Directory.Exists(Directory)) return [];
        var found = new List<PendingConfirmation>();
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, "*.json*").Order(StringComparer.Ordinal))
        {
            if (!path.EndsWith(".json", StringComparison.Ordinal) && !path.EndsWith(".json" + RollingBack, StringComparison.Ordinal)) continue;
            if (Read(path) is { } pending) found.Add(path.EndsWith(RollingBack, StringComparison.Ordinal) ? pending with { Deadline = DateTimeOffset.MinValue, Pid = 0 } : pending);
        }
        return found;
    }

    public PendingConfirmation? Find(string project) => Read(PathOf(project));

    /// <summary>
    /// Confirming and rolling back race for the record: each takes it by renaming it away, and
    /// only one rename of it can succeed. True when this caller got it.
    /// </summary>
    public bool TryClaimForRollback(string project) => TryRename(PathOf(project), PathOf(project) + RollingBack);

    /// <summary>Confirmed: the record goes; false when it was gone already (confirmed, or claimed for a rollback).</summary>
    public bool TryConfirm(string project)
    {
        var claimed = PathOf(project) + ".confirmed";
        if (!TryRename(PathOf(project), claimed)) return false;
        System.IO.File.Delete(claimed);
        return true;
    }

    private static bool TryRename(string from, string to)
    {
        try
        {
            System.IO.File.Move(from, to, overwrite: true);
            return true;
        }
        catch (FileNotFoundException)
        {
            return false;
        }
    }

    /// <summary>Written whole into a fresh temporary (O_EXCL: never through a planted link), then renamed into place.</summary>
    public void Write(PendingConfirmation pending)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("project", pending.Project);
            w.WriteString("file", pending.File);
            w.WriteString("deadline", pending.Deadline.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
            w.WriteNumber("pid", pending.Pid);
            w.WritePropertyName("checkpoint");
            w.WriteRawValue(StateJson.Write(pending.Checkpoint));
            // What libnftables needs to add an element back, which `topo state` leaves out.
            w.WriteStartObject("element_json");
            foreach (var e in pending.Checkpoint.Firewall.OfType<FirewallElementState>())
            {
                w.WriteStartArray(e.Key);
                w.WriteStringValue(e.KeyJson);
                w.WriteStringValue(e.ValueJson);
                w.WriteEndArray();
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        var temporary = Path.Combine(Directory, $".{pending.Project}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}");
        using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
        {
            stream.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
        System.IO.File.Move(temporary, PathOf(pending.Project), overwrite: true);
    }

    /// <summary>Rolled back, or never needed: nothing is pending any more.</summary>
    public void Remove(string project)
    {
        System.IO.File.Delete(PathOf(project));
        System.IO.File.Delete(PathOf(project) + RollingBack);
    }

    private static PendingConfirmation? Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = System.IO.File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        try
        {
            using var doc = JsonDocument.Parse(bytes);
            var root = doc.RootElement;
            var checkpoint = StateJson.Read(Encoding.UTF8.GetBytes(root.GetProperty("checkpoint").GetRawText()));
            var json = root.GetProperty("element_json");
            checkpoint = checkpoint with
            {
                Firewall = [.. checkpoint.Firewall.Select(r => r is FirewallElementState e && json.TryGetProperty(e.Key, out var pair)
                    ? e with { KeyJson = pair[0].GetString()!, ValueJson = pair[1].GetString() }
                    : r)],
            };
            return new PendingConfirmation(
                root.GetProperty("project").GetString()!,
                root.GetProperty("file").GetString()!,
                DateTimeOffset.Parse(root.GetProperty("deadline").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
                root.GetProperty("pid").GetInt32(),
                checkpoint);
        }
        catch (Exception e) when (e is JsonException or FormatException or KeyNotFoundException or InvalidOperationException or Topo.Core.Snapshot.StateFormatException)
        {
            throw new UnreadableConfirmationException($"{path}: not a pending confirmation topo can read ({e.Message}); remove it to go on without its rollback", e);
        }
    }
}
