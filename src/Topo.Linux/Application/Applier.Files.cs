using System.Text;
using Topo.Core.Model;
using Topo.Core.Planning;
using Topo.Linux.Namespaces;

namespace Topo.Linux.Application;

public sealed partial class Applier
{
    /// <summary>
    /// Writes a namespace's file (/etc/netns/NS/NAME) in place of what is there: never through a
    /// symlink, never over a file without this project's label (the plan refused those; this is
    /// the last look, under the lock), always whole (a temporary renamed over it). The journal
    /// keeps the previous bytes, so a rollback puts them back (or removes a file that was not there).
    /// </summary>
    private void WriteFile(PlanAction action, NamespaceFileState file, Journal journal)
    {
        CheckName(file);
        using var dir = NamespaceFiles.OpenDirectory(EtcDirectory, file.Namespace, create: true)!;
        var previous = NamespaceFiles.ReadAt(dir, file.Name, _previousBodies);
        CheckOurs(file, previous, dir);
        NamespaceFiles.Replace(dir, file.Name, Encode(file), temporary => Intents.File(file.Namespace, temporary));
        var path = Path.Combine(dir.Path, file.Name);
        journal.Record(action.Id, $"wrote {path}", previous.Exists ? $"put its previous content back" : $"delete {path}",
            () => Restore(file, previous));
    }

    private void DeleteFile(PlanAction action, NamespaceFileState file, Journal journal)
    {
        CheckName(file);
        using var dir = NamespaceFiles.OpenDirectory(EtcDirectory, file.Namespace, create: false);
        if (dir is null) return; // gone with its namespace's directory
        var previous = NamespaceFiles.ReadAt(dir, file.Name, _previousBodies);
        if (!previous.Exists) return;
        CheckOurs(file, previous, dir);
        NamespaceFiles.Delete(dir, file.Name);
        journal.Record(action.Id, $"deleted {Path.Combine(dir.Path, file.Name)}", "put it back", () => Restore(file, previous));
    }

    /// <summary>Undo: the bytes that were there, or no file when there was none.</summary>
    private void Restore(NamespaceFileState file, FileRead previous)
    {
        using var dir = NamespaceFiles.OpenDirectory(EtcDirectory, file.Namespace, create: previous.Exists);
        if (dir is null) return;
        if (previous.Content is { } bytes) NamespaceFiles.Replace(dir, file.Name, bytes, temporary => Intents.File(file.Namespace, temporary));
        else NamespaceFiles.Delete(dir, file.Name);
    }

    /// <summary>
    /// Contents encoded this apply, by reference: the resolver holds one string for the hosts
    /// files of a network's members, so one container more on a network of 400 encodes it once,
    /// not 400 times (with the label line, a 13 KB string apiece).
    /// </summary>
    private readonly Dictionary<string, byte[]> _encoded = new(ReferenceEqualityComparer.Instance);

    /// <summary>What the files this apply replaced held, for the journal: their shared bodies kept once.</summary>
    private readonly SharedBodies _previousBodies = new();

    /// <summary>The file's bytes: its label line (each its own), then its content (shared, written from the same array).</summary>
    private FileBytes Encode(NamespaceFileState file)
    {
        if (file.Owner is null) return FileBytes.Whole(Encoding.UTF8.GetBytes(file.Text));
        if (!_encoded.TryGetValue(file.Content, out var content)) _encoded[file.Content] = content = Encoding.UTF8.GetBytes(file.Content);
        return new FileBytes(Encoding.UTF8.GetBytes(file.Header), content);
    }

    private string EtcDirectory => _sessions.Store.Options.EtcDirectory;

    /// <summary>One path component: a name or file that could leave /etc/netns/NS is refused.</summary>
    private static void CheckName(NamespaceFileState file)
    {
        foreach (var part in new[] { file.Namespace, file.Name })
        {
            if (part.Length == 0 || part is "." or ".." || part.Contains('/') || part.Contains('\0'))
                throw new ArgumentException($"'{file.Key}' is not a namespace file topo writes (one directory, one file name)");
        }
    }

    /// <summary>What is there must be a regular file carrying this project's label, or nothing.</summary>
    private static void CheckOurs(NamespaceFileState file, FileRead found, SafeDirectory dir)
    {
        if (!found.Exists) return;
        var path = Path.Combine(dir.Path, file.Name);
        if (!found.Regular)
            throw new IOException($"{path} is not a regular file (a symbolic link?): topo never writes through one; move it away");
        // Only the label line matters here: the content is not decoded (13 KB a hosts file at 400 peers).
        var owner = NamespaceFileState.Parse(file.Namespace, file.Name, found.Content!.Value.Head, static _ => "").Owner;
        if (owner is null || owner.Project != file.Owner?.Project)
            throw new IOException($"{path} was not written by topo for project '{file.Owner?.Project}' (its first line is " +
                                  $"{(owner is null ? "no topo label" : $"the label {owner}")}): topo never overwrites it; move it away");
    }
}
