using System.Runtime.InteropServices;

namespace Topo.Linux.Dns;

/// <summary>
/// recvmmsg/sendmmsg (not bound by Tmds.LibC): one system call for a batch of datagrams. At
/// saturation the resolver receives up to <see cref="ListenLoop"/>'s batch of queries per call and
/// sends their replies in one more.
/// </summary>
internal static unsafe partial class MultiMessage
{
    public const int MsgTrunc = 0x20; // MSG_TRUNC in msg_flags: the datagram was longer than the buffer

    [StructLayout(LayoutKind.Sequential)]
    public struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    /// <summary>struct msghdr (56 bytes on 64-bit Linux).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct MessageHeader
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    /// <summary>struct mmsghdr: a msghdr and the bytes received or sent for it.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Entry
    {
        public MessageHeader Header;
        public uint Length;
    }

    [LibraryImport("libc", EntryPoint = "recvmmsg", SetLastError = true)]
    public static partial int Receive(int fd, Entry* entries, uint count, int flags, void* timeout);

    [LibraryImport("libc", EntryPoint = "sendmmsg", SetLastError = true)]
    public static partial int Send(int fd, Entry* entries, uint count, int flags);
}
