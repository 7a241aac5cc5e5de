using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using WanAccel.Appliance.Hosting;
using WanAccel.Appliance.Identity;
using WanAccel.Appliance.Interception;
using WanAccel.Appliance.PeerLink;
using WanAccel.Core.Storage;

namespace WanAccel.Benchmarks.Hosting;

/// <summary>
/// Load scenario, not a BenchmarkDotNet benchmark (one run of many concurrent flows is the measurement): a core and an
/// edge appliance in this process on loopback, N clients at once each uploading its own payload through the edge rule
/// to a sink that answers with the payload's SHA-256. Reports wall time, peak managed heap and resident set (sampled
/// every 50 ms, plus the OS peak) and failures; the appliances log warnings (flow failures) to the console, or
/// everything with <c>--log</c>. Every wait is bounded (5 minutes in all).
/// Run: <c>dotnet run -c Release --project tests/WanAccel.Benchmarks -- flows [--count 1000] [--bytes 65536] [--log]</c>.
/// <para>
/// Measured (2 cores, 24 GiB, 1,000 × 64 KiB, after the PeerLink OPEN-order fix): with the default thread pool every
/// client finishes at once after 30–90 s and 27–100 % are reset — the encoder blocks pool threads on its own pool
/// tasks (thread-pool starvation), peer-link pings go unanswered until the idle timeout closes the connections. With
/// <c>DOTNET_ThreadPool_ForceMinWorkerThreads=0x800</c>: 5.8–7.6 s wall, p50 4.5–6.4 s, peak resident 0.9 GiB, but peak
/// managed 22–27 GiB (a 16 MiB staging buffer per flow on each side) and in 2 runs of 7 some flows reset by
/// OutOfMemoryException. Failures were always resets, never a wrong reply.
/// </para>
/// </summary>
public static class ConcurrentFlowLoad
{
    public static async Task<int> RunAsync(string[] args)
    {
        var count = Option(args, "--count", 1000);
        var bytes = Option(args, "--bytes", 64 * 1024);
        var level = args.Contains("--log") ? LogLevel.Information : LogLevel.Warning;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var root = Directory.CreateTempSubdirectory("wanaccel-flow-load-").FullName;
        try
        {
            return await RunAsync(count, bytes, level, root, timeout.Token);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<int> RunAsync(int count, int bytes, LogLevel level, string root, CancellationToken cancellationToken)
    {
        using var sink = new HashingSink();
        using var logs = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(level));
        using var coreIdentity = PeerIdentity.Create("core");
        using var edgeIdentity = PeerIdentity.Create("edge");
        await using var core = ApplianceInstance.Start(Options("core", root, new PeerLinkOptions
        {
            Listen = "127.0.0.1:0",
            Peers = [new PeerOptions { Name = "edge", PinnedFingerprints = [edgeIdentity.Fingerprint] }],
        }), coreIdentity, logs);
        await using var edge = ApplianceInstance.Start(Options("edge", root, new PeerLinkOptions
        {
            Peers = [new PeerOptions { Name = "core", Endpoint = core.PeerLinkEndPoint!.ToString(), PinnedFingerprints = [coreIdentity.Fingerprint] }],
        }) with
        {
            Rules = [new InterceptionRuleOptions { Name = "load", Listen = "127.0.0.1:0", Destination = sink.EndPoint.ToString() }],
        }, edgeIdentity, logs);
        await edge.WaitForPeersAsync(cancellationToken);

        // Payloads are windows of one shared pool: the scenario's own data does not grow with the flow count.
        var pool = new byte[Math.Max(8 << 20, 2 * bytes)];
        new Random(1).NextBytes(pool);
        GC.Collect();
        using var sampler = new MemorySampler();
        var wall = Stopwatch.StartNew();
        var finished = new double[count];
        var results = await Task.WhenAll(Enumerable.Range(0, count).Select(i => Task.Run(async () =>
        {
            var error = await UploadAsync(edge.RuleEndPoints["load"], pool.AsMemory(i * 4099 % (pool.Length - bytes), bytes), cancellationToken);
            finished[i] = wall.Elapsed.TotalSeconds;
            return error;
        })));
        wall.Stop();
        while (edge.Flows.Active.Count + core.Flows.Active.Count > 0)
        {
            await Task.Delay(20, cancellationToken);
        }

        var failed = results.Count(r => r is not null);
        Array.Sort(finished);
        Console.WriteLine($"{count} concurrent flows of {bytes} B: wall {wall.Elapsed.TotalSeconds:F2} s, " +
            $"{count * (long)bytes / wall.Elapsed.TotalSeconds / 1e6:F1} MB/s through the pair; clients done at " +
            $"p10 {finished[count / 10]:F2} s, p50 {finished[count / 2]:F2} s, p90 {finished[count * 9 / 10]:F2} s");
        Console.WriteLine($"peak managed {sampler.PeakManaged / 1048576.0:F0} MiB, peak resident {sampler.PeakResident / 1048576.0:F0} MiB " +
            $"(OS peak {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:F0} MiB)");
        Console.WriteLine($"failures: {failed} clients, {edge.Flows.Failed} of {edge.Flows.Total} edge flows, {core.Flows.Failed} of {core.Flows.Total} core flows");
        foreach (var error in results.OfType<string>().GroupBy(e => e).Take(5))
        {
            Console.WriteLine($"  {error.Count()} × {error.Key}");
        }

        return failed + edge.Flows.Failed + core.Flows.Failed == 0 ? 0 : 1;
    }

    /// <summary>One client: sends, half-closes, checks the reply; returns null or what went wrong.</summary>
    private static async Task<string?> UploadAsync(IPEndPoint edge, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var data = payload;
        try
        {
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await client.ConnectAsync(edge, cancellationToken);
            while (!data.IsEmpty)
            {
                data = data[await client.SendAsync(data, SocketFlags.None, cancellationToken)..];
            }

            client.Shutdown(SocketShutdown.Send);
            var reply = new byte[32];
            var read = 0;
            int n;
            while (read < reply.Length && (n = await client.ReceiveAsync(reply.AsMemory(read), SocketFlags.None, cancellationToken)) > 0)
            {
                read += n;
            }

            return reply.AsSpan().SequenceEqual(SHA256.HashData(payload.Span)) ? null : $"wrong reply ({read} bytes)";
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return e.Message;
        }
    }

    private static ApplianceOptions Options(string name, string root, PeerLinkOptions peerLink) => new()
    {
        Name = name,
        Store = new ChunkStoreOptions { Path = Path.Combine(root, name), CapacityBytes = 1L << 30 },
        PeerLink = peerLink,
        Metrics = new MetricsOptions { Listen = null },
        ShutdownTimeout = TimeSpan.FromSeconds(5),
    };

    private static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], out var value) ? value : fallback;
    }
}
