using Topo.Core.Errors;

namespace Topo.Linux.Nftables;

/// <summary>A command libnftables rejected (or the kernel refused), with nft's own error text.</summary>
public sealed class NftablesException(string operation, string error, int result)
    : TopoException($"nftables {operation} failed: {Summarize(error)}")
{
    public string Operation { get; } = operation;

    /// <summary>nft's error buffer as it printed it (may span several lines with the offending input marked).</summary>
    public string Error { get; } = error;

    /// <summary>nft_run_cmd_from_buffer's return value.</summary>
    public int Result { get; } = result;

    private static string Summarize(string error) =>
        string.IsNullOrWhiteSpace(error) ? "(no error text)" : error.Trim();
}

/// <summary>libnftables is not installed (or too old): names the package to install.</summary>
public sealed class NftablesUnavailableException(string message) : TopoException(message)
{
    public override ErrorCategory Category => ErrorCategory.Unsupported;
}
