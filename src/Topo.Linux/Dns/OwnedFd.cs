using System.Runtime.InteropServices;
using static Tmds.Linux.LibC;

namespace Topo.Linux.Dns;

/// <summary>A file descriptor the resolver owns (a listening socket, the epoll or event fd), closed with the handle.</summary>
internal sealed class OwnedFd : SafeHandle
{
    public OwnedFd(int fd) : base(new IntPtr(-1), ownsHandle: true) => SetHandle(new IntPtr(fd));

    public int Fd => (int)handle;

    public override bool IsInvalid => handle.ToInt64() < 0;

    protected override bool ReleaseHandle() => close((int)handle) == 0;
}
