using System.Net;
using System.Net.Sockets;

namespace WanAccel.Appliance.Tests.EndToEnd;

/// <summary>Loopback ports for programs that cannot be told to pick one (rsync daemon).</summary>
internal static class LoopbackPort
{
    /// <summary>A port free a moment ago; the program that binds it may still lose a race, so callers retry.</summary>
    public static IPEndPoint Free()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return (IPEndPoint)probe.LocalEndPoint!;
    }
}
