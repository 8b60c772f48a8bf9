using System.Text;

namespace Topo.Core.Tests.Support;

/// <summary>
/// The approval step behind <see cref="Golden"/>, over any directory so that its own tests can use a
/// temporary one. Approved files are compared byte for byte (UTF-8, no BOM).
/// </summary>
/// <param name="directory">What relative paths are relative to.</param>
/// <param name="approve">Write the output over the approved file (and fail all the same).</param>
/// <param name="listed">Full paths of the files the tests say they verify; null: any file may be verified.</param>
internal sealed class Approver(string directory, bool approve, IReadOnlySet<string>? listed)
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public IReadOnlySet<string>? Listed => listed;

    public void Verify(string path, string actual)
    {
        var approved = Path.GetFullPath(Path.Combine(directory, path));
        var name = Shown(approved);
        if (listed is not null && !listed.Contains(approved))
            Assert.Fail($"{name} is not listed as an approved file: add it to the assembly's Golden.Listed.cs " +
                "(from the data the test walks), or the stale-file check will call it stale");

        var received = ReceivedPath(approved);
        var bytes = Utf8.GetBytes(actual);
        var existing = File.Exists(approved) ? File.ReadAllBytes(approved) : null;
        if (existing is not null && existing.AsSpan().SequenceEqual(bytes))
        {
            File.Delete(received); // a leftover from an earlier mismatch
            return;
        }

        var expected = existing is null ? null : Utf8.GetString(existing);
        if (approve)
        {
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(approved)!);
            File.WriteAllBytes(approved, bytes);
            File.Delete(received);
            Assert.Fail(expected is null
                ? $"{name} was created because {Golden.ApproveVariable}=1: review it, then run the tests without {Golden.ApproveVariable}"
                : $"{name} was updated because {Golden.ApproveVariable}=1 (- before, + now): review the change (git diff), " +
                  $"then run the tests without {Golden.ApproveVariable}:\n{Golden.Diff(expected, actual)}");
        }

        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(approved)!);
        File.WriteAllBytes(received, bytes);
        var accept = $"if it is right, move {Path.GetFileName(received)} over {Path.GetFileName(approved)} or run the tests with {Golden.ApproveVariable}=1";
        Assert.Fail(expected is null
            ? $"{name} has no approved file; the output is in {Shown(received)} ({accept})"
            : $"{name} differs from the approved file (- approved, + received; written to {Shown(received)}; {accept}):\n{Golden.Diff(expected, actual)}");
    }

    /// <summary>A path relative to the repository when it is in it (messages stay short), else in full.</summary>
    private static string Shown(string path)
    {
        var relative = Path.GetRelativePath(Golden.RepositoryRoot, path);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? path : relative;
    }

    /// <summary>NAME.EXT → NAME.received.EXT beside it (change.color.txt → change.color.received.txt).</summary>
    public static string ReceivedPath(string approved)
    {
        var extension = Path.GetExtension(approved);
        return Path.Combine(Path.GetDirectoryName(approved)!, Path.GetFileNameWithoutExtension(approved) + ".received" + extension);
    }

    /// <summary>
    /// Files under <paramref name="roots"/> (recursively; dot files and .received files aside) that are not in
    /// <paramref name="listed"/>, in ordinal order: approved files that no test verifies any more.
    /// </summary>
    public static IReadOnlyList<string> Unlisted(IEnumerable<(string Directory, string Pattern)> roots, IReadOnlySet<string> listed) =>
        roots
            .Where(r => System.IO.Directory.Exists(r.Directory))
            .SelectMany(r => System.IO.Directory.EnumerateFiles(r.Directory, r.Pattern, SearchOption.AllDirectories))
            .Select(Path.GetFullPath)
            .Where(p => !Path.GetFileName(p).StartsWith('.') && !IsReceived(p) && !listed.Contains(p))
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();

    private static bool IsReceived(string path) =>
        Path.GetFileNameWithoutExtension(path).EndsWith(".received", StringComparison.Ordinal) ||
        Path.GetExtension(path) == ".received";
}
