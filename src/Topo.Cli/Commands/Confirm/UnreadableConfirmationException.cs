using Topo.Core.Errors;

namespace Topo.Cli.Commands.Confirm;

/// <summary>
/// A pending confirmation's file cannot be read back (damaged, or written by another version):
/// its rollback cannot run, and the message says how to go on without it.
/// </summary>
public sealed class UnreadableConfirmationException(string message, Exception inner) : TopoException(message, inner);
