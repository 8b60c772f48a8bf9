using System.Runtime.InteropServices;

namespace Topo.Linux.Netlink.Transport;

/// <summary>struct sockaddr_nl (Tmds.LibC does not define it).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct SockaddrNetlink
{
    public ushort Family;
    public ushort Pad;
    public uint PortId;
    public uint Groups;
}
