using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;

namespace WanAccel.Appliance.Interception;

/// <summary>The Linux socket options behind transparent interception: the original destination and the socket mark.</summary>
internal static class TransparentSocket
{
    // <linux/netfilter_ipv4.h> SO_ORIGINAL_DST = 80 at SOL_IP (0); <linux/netfilter_ipv6/ip6_tables.h>
    // IP6T_SO_ORIGINAL_DST = 80 at SOL_IPV6 (41); <asm-generic/socket.h> SO_MARK = 36 at SOL_SOCKET (1).
    private const int SolIp = 0;
    private const int SolIpv6 = 41;
    private const int SoOriginalDst = 80;
    private const int SolSocket = 1;
    private const int SoMark = 36;
    private const ushort AfInet = 2;
    private const ushort AfInet6 = 10;
    private const int SockaddrIn6Length = 28; // family 2, port 2, flowinfo 4, address 16, scope id 4

    /// <summary>
    /// The destination a connection had before nftables/iptables redirected it here (REDIRECT/DNAT); null when it was
    /// not redirected: conntrack has no record of it, or its record shows this socket's own address.
    /// </summary>
    [SupportedOSPlatform("linux")]
    public static IPEndPoint? GetOriginalDestination(Socket socket)
    {
        if (socket.LocalEndPoint is not IPEndPoint local)
        {
            return null;
        }

        // An IPv4 client of a dual-mode listener has an IPv6 socket with a v4-mapped address; conntrack holds an
        // IPv4 tuple for it, read at SOL_IP.
        var ipv6 = local.AddressFamily == AddressFamily.InterNetworkV6 && !local.Address.IsIPv4MappedToIPv6;
        Span<byte> address = stackalloc byte[SockaddrIn6Length];
        int length;
        try
        {
            length = socket.GetRawSocketOption(ipv6 ? SolIpv6 : SolIp, SoOriginalDst, address);
        }
        catch (SocketException)
        {
            return null; // ENOENT: conntrack does not track it (no NAT rule in this namespace touched it)
        }

        // Where conntrack runs (any nat rule loaded), an unredirected connection still has a record: its original
        // destination is the address the client dialled, i.e. this socket's own.
        var original = Parse(address[..length]);
        return original is null || SameEndPoint(original, local) ? null : original;
    }

    /// <summary>Parses a <c>sockaddr_in</c> or <c>sockaddr_in6</c> as the kernel returns it (family in host order, port in network order).</summary>
    public static IPEndPoint? Parse(ReadOnlySpan<byte> sockaddr)
    {
        if (sockaddr.Length < 8)
        {
            return null;
        }

        var family = BitConverter.IsLittleEndian ? BinaryPrimitives.ReadUInt16LittleEndian(sockaddr) : BinaryPrimitives.ReadUInt16BigEndian(sockaddr);
        var port = BinaryPrimitives.ReadUInt16BigEndian(sockaddr[2..]);
        return family switch
        {
            AfInet => new IPEndPoint(new IPAddress(sockaddr.Slice(4, 4)), port),
            AfInet6 when sockaddr.Length >= 24 => new IPEndPoint(
                new IPAddress(sockaddr.Slice(8, 16), sockaddr.Length >= 28 ? BitConverter.ToUInt32(sockaddr[24..]) : 0), port),
            _ => null,
        };
    }

    /// <summary>Sets <c>SO_MARK</c> so this appliance's own connections escape its interception rules (needs CAP_NET_ADMIN).</summary>
    [SupportedOSPlatform("linux")]
    public static void SetMark(Socket socket, int mark)
    {
        Span<byte> value = stackalloc byte[4];
        BitConverter.TryWriteBytes(value, mark); // host order, as setsockopt expects

        socket.SetRawSocketOption(SolSocket, SoMark, value);
    }

    private static bool SameEndPoint(IPEndPoint a, IPEndPoint b) => a.Port == b.Port && Unmapped(a.Address).Equals(Unmapped(b.Address));

    private static IPAddress Unmapped(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
