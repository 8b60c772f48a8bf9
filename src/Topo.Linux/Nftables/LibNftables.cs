using System.Runtime.InteropServices;

namespace Topo.Linux.Nftables;

/// <summary>
/// libnftables (libnftables.so.1, Debian package libnftables1), loaded at run time with
/// NativeLibrary: topo still starts (plan, validate) on a host without it. Only the JSON-capable
/// command API is bound (nftables/libnftables.h).
/// </summary>
internal static unsafe class LibNftables
{
    /// <summary>
    /// libnftables keeps process-wide state (its parser and caches are not documented as
    /// thread-safe), so every call in this process goes through this one gate; two contexts used
    /// from two threads at once crashed the test process.
    /// </summary>
    internal static readonly Lock Gate = new();

    public const string SoName = "libnftables.so.1";
    public const string Package = "libnftables1";

    /// <summary>nft_ctx_new flags.</summary>
    public const uint NFT_CTX_DEFAULT = 0;

    /// <summary>nft_ctx_output_set_flags flags (enum nft_ctx_output_flags in libnftables.h).</summary>
    [Flags]
    public enum OutputFlags : uint
    {
        ReverseDns = 1 << 0,
        Service = 1 << 1,
        Stateless = 1 << 2,
        Handle = 1 << 3,
        Json = 1 << 4,
        Echo = 1 << 5,
        Guid = 1 << 6,
        NumericProto = 1 << 7,
        NumericPrio = 1 << 8,
        NumericSymbol = 1 << 9,
        NumericTime = 1 << 10,
        Terse = 1 << 11,
    }

    private static IntPtr _library;

    public static delegate* unmanaged<uint, IntPtr> CtxNew { get; private set; }
    public static delegate* unmanaged<IntPtr, void> CtxFree { get; private set; }
    public static delegate* unmanaged<IntPtr, uint, void> OutputSetFlags { get; private set; }
    public static delegate* unmanaged<IntPtr, int> BufferOutput { get; private set; }
    public static delegate* unmanaged<IntPtr, int> BufferError { get; private set; }
    public static delegate* unmanaged<IntPtr, byte*> GetOutputBuffer { get; private set; }
    public static delegate* unmanaged<IntPtr, byte*> GetErrorBuffer { get; private set; }
    public static delegate* unmanaged<IntPtr, byte*, int> RunCmdFromBuffer { get; private set; }

    /// <summary>Loads the library once; throws <see cref="NftablesUnavailableException"/> naming the package when it is missing.</summary>
    public static void EnsureLoaded()
    {
        lock (Gate)
        {
            if (_library != IntPtr.Zero) return;
            var library = Open(SoName);
            try
            {
                CtxNew = (delegate* unmanaged<uint, IntPtr>)Export(library, "nft_ctx_new");
                CtxFree = (delegate* unmanaged<IntPtr, void>)Export(library, "nft_ctx_free");
                OutputSetFlags = (delegate* unmanaged<IntPtr, uint, void>)Export(library, "nft_ctx_output_set_flags");
                BufferOutput = (delegate* unmanaged<IntPtr, int>)Export(library, "nft_ctx_buffer_output");
                BufferError = (delegate* unmanaged<IntPtr, int>)Export(library, "nft_ctx_buffer_error");
                GetOutputBuffer = (delegate* unmanaged<IntPtr, byte*>)Export(library, "nft_ctx_get_output_buffer");
                GetErrorBuffer = (delegate* unmanaged<IntPtr, byte*>)Export(library, "nft_ctx_get_error_buffer");
                RunCmdFromBuffer = (delegate* unmanaged<IntPtr, byte*, int>)Export(library, "nft_run_cmd_from_buffer");
            }
            catch
            {
                NativeLibrary.Free(library);
                throw;
            }
            _library = library;
        }
    }

    /// <summary>dlopen by soname; a missing library is an error that says which package provides it.</summary>
    internal static IntPtr Open(string soName) =>
        NativeLibrary.TryLoad(soName, out var library)
            ? library
            : throw new NftablesUnavailableException($"{soName} not found: install the Debian package {Package}");

    private static IntPtr Export(IntPtr library, string name) =>
        NativeLibrary.TryGetExport(library, name, out var address)
            ? address
            : throw new NftablesUnavailableException($"{SoName} has no {name}: install a current {Package} (nftables 0.9.3 or later)");

    /// <summary>A NUL-terminated UTF-8 string owned by libnftables, copied.</summary>
    public static string String(byte* p) => p is null ? "" : Marshal.PtrToStringUTF8((IntPtr)p) ?? "";
}
