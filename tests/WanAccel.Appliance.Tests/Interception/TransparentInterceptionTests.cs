using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using WanAccel.Appliance.Tests.Hosting;
using WanAccel.Cli.Peers;

namespace WanAccel.Appliance.Tests.Interception;

/// <summary>
/// Transparent mode end to end with the real kernel and the real <c>wanaccel serve</c>: nftables REDIRECT in the edge's
/// namespace, SO_ORIGINAL_DST (IPv4 through a dual-mode listener, and IPv6) carried to the core, and the core's SO_MARK
/// keeping its own connection out of the same rules in its namespace. See <see cref="InterceptionTestBed"/>.
/// </summary>
public sealed partial class TransparentInterceptionTests(InterceptionTestBed bed) : IClassFixture<InterceptionTestBed>
{
    private const string MarkRule = "appliance's own sockets (SO_MARK)";

    [NeedsTheory(Requirement.Namespaces)]
    [InlineData("198.18.2.2", 9000, "198.18.2.1", "IPv4 to the transparent rule")]
    [InlineData("2001:2:0:2::2", 9001, "2001:2:0:2::1", "IPv6 to the transparent rule")]
    public async Task RedirectedConnection_ReachesOriginalDestinationThroughThePair(string origin, int port, string coreLan, string redirectRule)
    {
        var ipv6 = origin.Contains(':', StringComparison.Ordinal);
        var destination = ipv6 ? $"[{origin}]:{port}" : $"{origin}:{port}";
        var payload = TestPayload.Create(4 << 20, seed: port);
        var sent = Path.Combine(bed.WorkDirectory, $"sent-{port}.bin");
        var received = Path.Combine(bed.WorkDirectory, $"received-{port}.bin");
        await File.WriteAllBytesAsync(sent, payload);
        var redirectedBefore = InterceptionTestBed.RulePackets(bed.Edge, redirectRule);
        var markedBefore = InterceptionTestBed.RulePackets(bed.Core, MarkRule);

        await using (var server = await ListenAsync(ipv6, port, received))
        {
            // The client dials the origin itself; only the edge's nat output rule sends it to the appliance.
            await using var client = bed.Edge.Start("client", "socat", "-t", "30", $"GOPEN:{sent}!!GOPEN:/dev/null", $"TCP{(ipv6 ? 6 : 4)}:{destination}");
            Assert.True(await client.WaitForExitAsync(InterceptionTestBed.Timeout) == 0, client.Output);
            Assert.True(await server.WaitForExitAsync(InterceptionTestBed.Timeout) == 0, server.Output);

            // The origin was reached from the core's address: the core does not forward, so this is the core's socket.
            Assert.Equal(IPAddress.Parse(coreLan), AcceptedFrom(server));
        }

        var arrived = await File.ReadAllBytesAsync(received);
        Assert.Equal(payload.Length, arrived.Length);
        Assert.True(payload.AsSpan().SequenceEqual(arrived), "the origin received other bytes than the client sent");

        // Both appliances carried the flow to the original destination, every byte of it.
        var size = payload.Length.ToString(CultureInfo.InvariantCulture);
        await bed.EdgeAppliance.WaitForLineAsync(l => l.Contains($"(transparent, Local) to {destination} done", StringComparison.Ordinal) && l.Contains($"LAN in {size} out 0,", StringComparison.Ordinal), InterceptionTestBed.Timeout, $"the edge's flow to {destination}");
        await bed.CoreAppliance.WaitForLineAsync(l => l.Contains($"(transparent, Remote) to {destination} done", StringComparison.Ordinal) && l.Contains($"LAN in 0 out {size},", StringComparison.Ordinal), InterceptionTestBed.Timeout, $"the core's flow to {destination}");

        // The edge's rule redirected the client; the core's connection went past the mark rule, not to the redirect.
        Assert.True(InterceptionTestBed.RulePackets(bed.Edge, redirectRule) > redirectedBefore, "the edge's redirect rule saw no packet");
        Assert.True(InterceptionTestBed.RulePackets(bed.Core, MarkRule) > markedBefore, "the core's connection did not carry the mark");
    }

    [NeedsFact(Requirement.Namespaces)]
    public async Task CoreNamespaceRules_RedirectAnUnmarkedConnectionToTheOrigin()
    {
        // The control for the test above: in the core's namespace, a connection to the origin without the mark is
        // redirected to the transparent port, where nothing listens in the core, and never reaches the origin.
        await using var server = await ListenAsync(ipv6: false, 9002, Path.Combine(bed.WorkDirectory, "received-control.bin"));
        var redirectedBefore = InterceptionTestBed.RulePackets(bed.Core, "IPv4 to the transparent rule");

        await using (var unmarked = bed.Core.Start("unmarked", "socat", "-u", "GOPEN:/dev/null", "TCP4:198.18.2.2:9002"))
        {
            Assert.NotEqual(0, await unmarked.WaitForExitAsync(InterceptionTestBed.Timeout));
            Assert.Contains("Connection refused", unmarked.Output, StringComparison.Ordinal);
        }

        Assert.Equal(redirectedBefore + 1, InterceptionTestBed.RulePackets(bed.Core, "IPv4 to the transparent rule"));
        Assert.DoesNotContain("accepting connection", server.Output, StringComparison.Ordinal);
    }

    [NeedsTheory(Requirement.Namespaces)]
    [InlineData("TCP4:127.0.0.1", 41001)] // an IPv4 client of the dual-mode [::]:7400 listener: a v4-mapped socket
    [InlineData("TCP4:198.18.0.1", 41002)]
    [InlineData("TCP6:[::1]", 41003)]
    [InlineData("TCP6:[2001:2::1]", 41004)]
    public async Task DirectConnection_ToTransparentPort_IsResetAndLogged(string address, int sourcePort)
    {
        // Where conntrack runs, SO_ORIGINAL_DST of an unredirected connection is the listener's own address; the
        // appliance must refuse it rather than ask the core to connect there.
        await using (var client = bed.Edge.Start("direct", "socat", "-d", "-u", $"{address}:{InterceptionTestBed.TransparentPort},sourceport={sourcePort}", "GOPEN:/dev/null"))
        {
            await client.WaitForExitAsync(InterceptionTestBed.Timeout); // socat -u exits 0 after a read error; -d shows it
            Assert.Contains("Connection reset by peer", client.Output, StringComparison.Ordinal);
        }

        await bed.EdgeAppliance.WaitForLineAsync(l => l.Contains($":{sourcePort} refused: not redirected here", StringComparison.Ordinal), InterceptionTestBed.Timeout, "the refusal");
        Assert.DoesNotMatch(FlowToTransparentPort(), bed.EdgeAppliance.Output);
        Assert.DoesNotMatch(FlowToTransparentPort(), bed.CoreAppliance.Output);
    }

    /// <summary>socat at the origin taking one connection and writing what it receives to <paramref name="file"/>; ready when it returns.</summary>
    private async Task<ExternalProgram> ListenAsync(bool ipv6, int port, string file)
    {
        var server = bed.Origin.Start("origin", "socat", "-d", "-d", "-u", $"TCP{(ipv6 ? 6 : 4)}-LISTEN:{port},reuseaddr", $"CREATE:{file}");
        try
        {
            await server.WaitForLineAsync(l => l.Contains("listening on", StringComparison.Ordinal), InterceptionTestBed.Timeout, "listening");
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>The client address the origin's socat -d -d reported: "accepting connection from AF=2 198.18.2.1:41234 on …" (IPv6 in brackets, in full).</summary>
    private static IPAddress AcceptedFrom(ExternalProgram server) =>
        AcceptedFromPattern().Match(server.Output) is { Success: true } m ? IPAddress.Parse(m.Groups[1].Value) : throw new InvalidOperationException($"no connection accepted:\n{server.Output}");

    [GeneratedRegex(@"accepting connection from AF=\d+ \[?([0-9A-Fa-f:.]+?)\]?:\d+ on")]
    private static partial Regex AcceptedFromPattern();

    // A flow the edge would have started had it taken the listener's own address for an original destination.
    [GeneratedRegex(@"to \S+:7400 (done|failed)")]
    private static partial Regex FlowToTransparentPort();
}
