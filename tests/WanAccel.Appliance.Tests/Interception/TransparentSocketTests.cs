using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using WanAccel.Appliance.Interception;

namespace WanAccel.Appliance.Tests.Interception;

[SupportedOSPlatform("linux")]
public sealed class TransparentSocketTests
{
    [Theory]
    // Captured from getsockopt(SO_ORIGINAL_DST) after an nftables REDIRECT (28-byte buffer; the kernel fills 16 for IPv4).
    [InlineData("02002328C61205090000000000000000000000000000000000000000", "198.18.5.9:9000")]
    [InlineData("0A002328000000002001000200000005000000000000000900000000", "[2001:2:0:5::9]:9000")]
    // sockaddr_in exactly; ports with the high bit set (network order); the any address.
    [InlineData("0200FFFF7F0000010000000000000000", "127.0.0.1:65535")]
    [InlineData("020001BB000000000000000000000000", "0.0.0.0:443")]
    // sockaddr_in6 with flow info (ignored) and a link-local scope id (host order).
    [InlineData("0A000050DEADBEEFFE80000000000000000000000000000103000000", "[fe80::1%3]:80")]
    // sockaddr_in6 without the scope id (24 bytes, as from an older ABI).
    [InlineData("0A0000500000000000000000000000000000000000000001", "[::1]:80")]
    public void Parse_KernelSockaddr_GivesEndPoint(string hex, string expected)
    {
        Assert.Equal(IPEndPoint.Parse(expected), TransparentSocket.Parse(Convert.FromHexString(hex)));
    }

    [Fact]
    public void Parse_SockaddrIn6WithoutScopeId_HasScopeZero()
    {
        var endPoint = TransparentSocket.Parse(Convert.FromHexString("0A000050000000002001000200000000000000000000000A"));

        Assert.Equal(IPEndPoint.Parse("[2001:2::a]:80"), endPoint);
        Assert.Equal(0, endPoint!.Address.ScopeId);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0200")]
    [InlineData("02002328C612")] // sockaddr_in cut inside the address
    [InlineData("0A002328000000002001000200000005000000000000")] // sockaddr_in6 cut inside the address
    [InlineData("0100636F6E74726F6C")] // AF_UNIX
    [InlineData("00002328C61205090000000000000000")] // AF_UNSPEC
    [InlineData("00022328C61205090000000000000000")] // AF_INET written big-endian: not what this host's kernel writes
    public void Parse_NotAnIpSockaddr_GivesNull(string hex)
    {
        Assert.Null(TransparentSocket.Parse(Convert.FromHexString(hex)));
    }

    [NeedsTheory(Requirement.Linux)]
    [InlineData("198.18.0.1:1")]
    [InlineData("10.255.0.7:65535")]
    [InlineData("[2001:2::1]:9000")]
    [InlineData("[fe80::1%7]:445")]
    [InlineData("[::ffff:198.18.0.1]:80")]
    public void Parse_RuntimeSockaddr_RoundTrips(string text)
    {
        // .NET serializes an IPEndPoint into the platform's own sockaddr layout: a second, independent encoder.
        var endPoint = IPEndPoint.Parse(text);

        Assert.Equal(endPoint, TransparentSocket.Parse(endPoint.Serialize().Buffer.Span));
    }

    [NeedsTheory(Requirement.Linux)]
    [InlineData("127.0.0.1", false)]
    [InlineData("::1", false)]
    [InlineData("127.0.0.1", true)] // an IPv4 client of a dual-mode listener: IPv6 socket, v4-mapped address
    [InlineData("::1", true)]
    public async Task GetOriginalDestination_NotRedirected_IsNull(string address, bool dualModeListener)
    {
        using var listener = dualModeListener
            ? new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp) { DualMode = true }
            : new Socket(IPAddress.Parse(address).AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(dualModeListener ? IPAddress.IPv6Any : IPAddress.Parse(address), 0));
        listener.Listen();
        using var client = new Socket(IPAddress.Parse(address).AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(new IPEndPoint(IPAddress.Parse(address), ((IPEndPoint)listener.LocalEndPoint!).Port));
        using var accepted = await listener.AcceptAsync();

        // Without conntrack the kernel has no record (ENOENT); with it, the record names the socket's own address.
        Assert.Null(TransparentSocket.GetOriginalDestination(accepted));
    }

    [NeedsFact(Requirement.Linux)]
    public void GetOriginalDestination_UnconnectedSocket_IsNull()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

        Assert.Null(TransparentSocket.GetOriginalDestination(socket));
    }

    [NeedsTheory(Requirement.Root)]
    [InlineData(AddressFamily.InterNetwork, 1)]
    [InlineData(AddressFamily.InterNetworkV6, 0x7fff_0001)]
    public void SetMark_WithCapNetAdmin_IsReadBack(AddressFamily family, int mark)
    {
        using var socket = new Socket(family, SocketType.Stream, ProtocolType.Tcp);

        TransparentSocket.SetMark(socket, mark);

        Span<byte> value = stackalloc byte[4];
        Assert.Equal(4, socket.GetRawSocketOption(1, 36, value)); // SOL_SOCKET, SO_MARK
        Assert.Equal(mark, BitConverter.ToInt32(value));
    }
}
