using WanAccel.Cli.Peers;

namespace WanAccel.Appliance.Tests.Interception;

/// <summary>
/// A network namespace of this test run (<c>ip netns</c>), loopback up, deleted on dispose with its interfaces. Names
/// carry the test process id so parallel runs never share one.
/// </summary>
internal sealed class NetworkNamespace : IDisposable
{
    private static int s_created;

    public NetworkNamespace(string role)
    {
        Name = $"wanaccel-{role}-{Environment.ProcessId}-{Interlocked.Increment(ref s_created)}";
        ExternalProgram.Run("ip", "netns", "add", Name);
        try
        {
            Ip("link", "set", "lo", "up");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Name { get; }

    /// <summary>Joins two namespaces with a veth pair, <paramref name="device"/> in this one, <paramref name="peerDevice"/> in <paramref name="peer"/>.</summary>
    public void Link(string device, NetworkNamespace peer, string peerDevice) =>
        Ip("link", "add", device, "type", "veth", "peer", "name", peerDevice, "netns", peer.Name);

    /// <summary>Adds addresses (<c>198.18.0.1/24</c>, <c>2001:2::1/64</c>; IPv6 without duplicate detection, usable at once) and brings the device up.</summary>
    public void Address(string device, params string[] cidrs)
    {
        foreach (var cidr in cidrs)
        {
            Ip(cidr.Contains(':', StringComparison.Ordinal) ? ["addr", "add", cidr, "dev", device, "nodad"] : ["addr", "add", cidr, "dev", device]);
        }

        Ip("link", "set", device, "up");
    }

    public void Route(string network, string via) => Ip("route", "add", network, "via", via);

    /// <summary><c>ip -n NAME ARGS</c>.</summary>
    public string Ip(params string[] args) => ExternalProgram.Run("ip", ["-n", Name, .. args]);

    /// <summary>Runs a short command inside the namespace to its end; its stdout.</summary>
    public string Run(params string[] command) => ExternalProgram.Run("ip", ["netns", "exec", Name, .. command]);

    /// <summary>Starts a program inside the namespace (<c>ip netns exec</c> execs it, so the child is the program itself).</summary>
    public ExternalProgram Start(string name, params string[] command) => ExternalProgram.Start("ip", ["netns", "exec", Name, .. command], name);

    public void Dispose()
    {
        try
        {
            ExternalProgram.Run("ip", "netns", "delete", Name);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }
}
