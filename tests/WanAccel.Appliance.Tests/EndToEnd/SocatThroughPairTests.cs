using System.Net;
using System.Security.Cryptography;
using WanAccel.Appliance.Hosting;
using WanAccel.Appliance.Tests.Hosting;

namespace WanAccel.Appliance.Tests.EndToEnd;

/// <summary>Plain TCP file copies with socat and OpenBSD nc through the pair: the copy is the file, byte for byte.</summary>
public sealed class SocatThroughPairTests
{
    private const int FileBytes = 12 << 20;

    [ToolFact("socat")]
    public async Task Upload_SocatFileToSocatListener_ByteExactColdAndWarm()
    {
        using var work = new TempDirectory();
        await File.WriteAllBytesAsync(work["in.bin"], TestPayload.Create(FileBytes, seed: 21));
        await using var sink = await StartListenerAsync("-u", "TCP-LISTEN:0,bind=127.0.0.1,fork", $"OPEN:{work["out.bin"]},creat,append");
        await using var pair = new AppliancePair(sink.EndPoint);
        await pair.WaitUpAsync();

        // fork + append: two copies land one after the other in one file, each through its own flow.
        var flows = new List<FlowRecord>();
        for (var copy = 0; copy < 2; copy++)
        {
            var flow = pair.NextCoreFlowAsync();
            var (code, _, error) = await ExternalProcess.RunAsync("socat", ["-u", $"FILE:{work["in.bin"]}", $"TCP:127.0.0.1:{pair.EdgeRule.Port}"], pair.Token);
            Assert.True(code == 0, $"socat exited {code}: {error}");
            flows.Add(await flow); // the core's flow ends after the listener got the FIN: the file is whole
        }

        var expected = await File.ReadAllBytesAsync(work["in.bin"]);
        var copied = await File.ReadAllBytesAsync(work["out.bin"]);
        Assert.Equal(2 * FileBytes, copied.Length);
        Assert.Equal(TestPayload.Hash(expected), TestPayload.Hash(copied.AsSpan(0, FileBytes)));
        Assert.Equal(TestPayload.Hash(expected), TestPayload.Hash(copied.AsSpan(FileBytes)));
        Assert.All(flows, f => Assert.Null(f.Error));
        Warm.AssertWarm(flows[1].Statistics.WanBytesIn, FileBytes, "second copy");
    }

    [ToolFact("socat", "nc")]
    public async Task Download_SocatServesFile_NcReceivesByteExact()
    {
        using var work = new TempDirectory();
        var data = TestPayload.Create(FileBytes, seed: 22);
        await File.WriteAllBytesAsync(work["served.bin"], data);
        // -U (right to left): the listener comes first and each forked child opens the file afresh.
        await using var origin = await StartListenerAsync("-U", "TCP-LISTEN:0,bind=127.0.0.1,fork", $"FILE:{work["served.bin"]}");
        await using var pair = new AppliancePair(origin.EndPoint);
        await pair.WaitUpAsync();

        for (var copy = 0; copy < 2; copy++)
        {
            // -N: FIN once stdin (closed at once) ends, then read until the server's FIN.
            var received = work[$"received{copy}.bin"];
            var (code, _, error) = await ExternalProcess.RunAsync("nc", ["-N", "127.0.0.1", pair.EdgeRule.Port.ToString()], pair.Token, outputFile: received);
            Assert.True(code == 0, $"nc exited {code}: {error}");
            Assert.Equal(TestPayload.Hash(data), Convert.ToHexString(SHA256.HashData(await File.ReadAllBytesAsync(received))));
        }

        await ApplianceFlowTests.WaitForFlowsAsync(pair);
        var warm = pair.CoreEnded.Last();
        Warm.AssertWarm(warm.Statistics.WanBytesOut, FileBytes, "second download");
    }

    /// <summary>Starts a socat whose TCP-LISTEN:0 address picks a free port; returns once it listens.</summary>
    private static async Task<ListeningProcess> StartListenerAsync(params string[] addresses)
    {
        var process = ExternalProcess.Start("socat", ["-d", "-d", .. addresses]);
        try
        {
            using var bounded = new CancellationTokenSource(AppliancePair.Timeout);
            var line = await process.WaitForErrorLineAsync(l => l.Contains("listening on", StringComparison.Ordinal), bounded.Token);
            return new ListeningProcess(process, IPEndPoint.Parse(line[(line.LastIndexOf(' ') + 1)..]));
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    private sealed record ListeningProcess(ExternalProcess Process, IPEndPoint EndPoint) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Process.DisposeAsync();
    }
}
