using System.Collections.Immutable;
using Topo.Core.Model;
using Topo.Linux.Namespaces;

namespace Topo.Linux.Observation;

/// <summary>
/// The files topo keeps for named namespaces (/etc/netns/NAME/resolv.conf and hosts) and the
/// host's own resolv.conf. Two reads per topo namespace, straight system calls; the cost is the
/// bytes: a hosts file lists every peer, so 500 containers on one network hold 500 files of 500
/// lines (12 MiB in all), read and decoded in ~10 ms of CPU on a busy 2-core machine, as long as
/// File.ReadAllBytes takes for the same files. So what need not be read is not: the names a caller
/// knows unchanged (verifying an apply that did not write there) keep their last reading, and a
/// file whose stamp (inode, size, times) is as when it was last read is not read again (a
/// watcher's next round: one open and fstat per file).
/// </summary>
internal sealed class FileObservation(string etcDirectory, ObserverOptions options)
{
    private static readonly string[] FileNames = [NamespaceFileState.ResolvConf, NamespaceFileState.Hosts];

    private Dictionary<string, ImmutableArray<NamespaceFileState>> _lastRead = new(StringComparer.Ordinal);

    /// <summary>Each file's stamp when last read: a file with the same stamp is not read again (a watcher's next round).</summary>
    private Dictionary<string, (FileStamp Stamp, NamespaceFileState State)> _stamps = new(StringComparer.Ordinal);
    private Dictionary<string, (FileStamp, NamespaceFileState)> _nextStamps = new(StringComparer.Ordinal);
    private long _trustBefore;
    private const long RacyWindowNs = 100_000_000;

    /// <param name="names">Names whose files are topo's to read: those of topo namespaces.</param>
    /// <param name="listed">Every name in the namespace directory: a config directory under any other name is a leftover, read too.</param>
    /// <param name="reuse">Names whose last reading stands.</param>
    public ImmutableArray<NamespaceFileState> Read(IEnumerable<string> names, IReadOnlyCollection<string> listed, Func<string, bool> reuse)
    {
        var files = ImmutableArray.CreateBuilder<NamespaceFileState>();
        var lastRead = new Dictionary<string, ImmutableArray<NamespaceFileState>>(StringComparer.Ordinal);
        _nextStamps.Clear();
        // The kernel stamps file times from a coarse clock (a tick is a few ms): a file changed
        // this recently could change again within the same tick, unseen by its stamp, so it is
        // read again next time ("racily clean", as git calls it).
        _trustBefore = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100 - RacyWindowNs;
        foreach (var name in names)
        {
            if (reuse(name) && _lastRead.TryGetValue(name, out var these)) KeepStamps(name);
            else these = ReadNamespace(name);
            lastRead[name] = these;
            files.AddRange(these);
        }
        _lastRead = lastRead;
        // A directory with no namespace behind it (left by a crash, or by hand): whatever is in it
        // must not be overwritten unseen when a namespace of that name is made.
        if (DirectoryNames.Directories(etcDirectory) is { } directories)
        {
            var known = listed.ToHashSet(StringComparer.Ordinal);
            foreach (var stray in directories)
                if (!known.Contains(stray)) files.AddRange(ReadNamespace(stray));
        }
        (_stamps, _nextStamps) = (_nextStamps, _stamps);
        return files.ToImmutable();
    }

    private void KeepStamps(string name)
    {
        foreach (var file in FileNames)
        {
            var path = Path.Join(etcDirectory, name, file);
            if (_stamps.TryGetValue(path, out var stamp)) _nextStamps[path] = stamp;
        }
    }

    private ImmutableArray<NamespaceFileState> ReadNamespace(string name)
    {
        var found = ImmutableArray.CreateBuilder<NamespaceFileState>(FileNames.Length);
        foreach (var file in FileNames)
        {
            var path = Path.Join(etcDirectory, name, file);
            var last = _stamps.GetValueOrDefault(path);
            // A symlink or a FIFO there is not topo's: foreign, so a plan wanting the file is refused.
            var state = NamespaceFiles.ReadState(path, name, file, notRegular: new NamespaceFileState(name, file, ""),
                known: stamp => last.State is not null && stamp == last.Stamp ? last.State : null, out var read);
            if (state is null) continue;
            if (read != default && read.Changed < _trustBefore) _nextStamps[path] = (read, state);
            found.Add(state);
        }
        return found.DrainToImmutable();
    }

    /// <summary>The host's resolver configuration; empty when it has no resolv.conf (as Docker takes it).</summary>
    public ResolvConf ReadHostResolvConf()
    {
        var conf = ReadResolvConf(options.ResolvConf);
        if (options.SystemdResolvConf is { } alternative && conf.Nameservers is [SystemdStub] && File.Exists(alternative))
            conf = ReadResolvConf(alternative);
        return conf;
    }

    private const string SystemdStub = "127.0.0.53";

    private static ResolvConf ReadResolvConf(string path)
    {
        try
        {
            return ResolvConf.Parse(File.ReadAllText(path));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return ResolvConf.Empty;
        }
    }
}
