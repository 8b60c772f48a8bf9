namespace Topo.Linux.Observation;

/// <summary>Where the observer reads the host's own files. Defaults are the host's.</summary>
public sealed record ObserverOptions
{
    /// <summary>The host's resolver configuration (a symlink is followed, as every resolver does).</summary>
    public string ResolvConf { get; init; } = "/etc/resolv.conf";

    /// <summary>
    /// Docker's rule for systemd-resolved: when <see cref="ResolvConf"/> names 127.0.0.53 (its
    /// local stub) as its only nameserver, the upstream servers are read from this file, which
    /// systemd-resolved keeps. Null: never.
    /// </summary>
    public string? SystemdResolvConf { get; init; } = "/run/systemd/resolve/resolv.conf";
}
