using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace Topo.Linux.Dns;

/// <summary>IPv4 endpoints ⇄ sockaddr_in (the resolver listens on IPv4 loopback only).</summary>
internal static unsafe class SocketAddresses
{
    public static sockaddr_in ToSockaddr(IPEndPoint endpoint)
    {
        if (endpoint.AddressFamily != AddressFamily.InterNetwork) throw new ArgumentException($"{endpoint} is not IPv4", nameof(endpoint));
        var address = new sockaddr_in { sin_family = (ushort)AF_INET, sin_port = BinaryPrimitives.ReverseEndianness((ushort)endpoint.Port) };
        endpoint.Address.TryWriteBytes(new Span<byte>(&address.sin_addr, 4), out _);
        return address;
    }
}
