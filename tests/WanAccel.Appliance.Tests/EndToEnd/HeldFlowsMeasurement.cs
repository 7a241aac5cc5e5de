using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Cryptography;
using WanAccel.Appliance.Tests.Hosting;
using WanAccel.Appliance.Tests.WanEmulation;

namespace WanAccel.Appliance.Tests.EndToEnd;

/// <summary>
/// Runs 200 concurrent 1 MiB uploads through a pair once, holding every flow half-way (open, idle, every byte sent so
/// far delivered) to measure what the flows keep alive; the memory tests assert on the figures.
/// </summary>
public sealed class HeldFlowsMeasurement : IAsyncLifetime
{
    public const int Flows = 200;
    public const int FlowBytes = 1 << 20;
    private const int HalfBytes = FlowBytes / 2;

    public (long Managed, long Resident) Baseline { get; private set; }

    public (long Managed, long Resident) Held { get; private set; }

    public (long Managed, long Resident) After { get; private set; }

    /// <summary>Flows whose reply was not the hash of what they sent, or that failed on either appliance.</summary>
    public long Failures { get; private set; }

    public long ManagedPerFlow => (Held.Managed - Baseline.Managed) / Flows;

    public long ResidentPerFlow => (Held.Resident - Baseline.Resident) / Flows;

    public async Task InitializeAsync()
    {
        // No thread-pool tuning: the engine gate keeps 200 encoding flows from starving the pool (they used to).
        await RunAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public override string ToString() =>
        $"baseline: managed {Mib(Baseline.Managed)}, RSS {Mib(Baseline.Resident)}; " +
        $"{Flows} flows held half-way: managed {Mib(Held.Managed)} (+{Mib(ManagedPerFlow)} per flow), RSS {Mib(Held.Resident)} (+{Mib(ResidentPerFlow)} per flow); " +
        $"all ended: managed {Mib(After.Managed)}, RSS {Mib(After.Resident)}";

    public static string Mib(long bytes) => $"{bytes / (1024.0 * 1024):F1} MiB";

    private async Task RunAsync()
    {
        // Payloads are windows of one shared pool, so the test's own data does not grow with the flow count.
        var pool = TestPayload.Create(8 << 20, seed: 71);
        long sunk = 0;
        await using var sink = new LoopbackServer(async (socket, ct) =>
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[16 * 1024];
            int n;
            while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None, ct)) > 0)
            {
                hash.AppendData(buffer, 0, n);
                Interlocked.Add(ref sunk, n);
            }

            await socket.SendAsync(hash.GetHashAndReset(), SocketFlags.None, ct);
            socket.Shutdown(SocketShutdown.Send);
        });
        await using var pair = new AppliancePair(sink.EndPoint);
        await pair.WaitUpAsync();
        Baseline = Measure();

        var arrived = 0;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var clients = Enumerable.Range(0, Flows).Select(i => Task.Run(async () =>
        {
            var data = pool.AsMemory(i * 37 * 1024 % (pool.Length - FlowBytes), FlowBytes);
            using var client = await SocketTestExtensions.ConnectAsync(pair.EdgeRule, pair.Token);
            await client.SendAllAsync(data[..HalfBytes], pair.Token);
            Interlocked.Increment(ref arrived);
            await release.Task.WaitAsync(pair.Token);
            await client.SendAllAsync(data[HalfBytes..], pair.Token);
            client.Shutdown(SocketShutdown.Send);
            var reply = await client.ReadExactlyAsync(32, pair.Token);
            return reply.AsSpan().SequenceEqual(SHA256.HashData(data.Span));
        })).ToList();

        var phase = "holding";
        try
        {
            while (Volatile.Read(ref arrived) < Flows || Interlocked.Read(ref sunk) < (long)Flows * HalfBytes)
            {
                await Task.Delay(20, pair.Token);
            }

            Held = Measure();
            phase = "finishing";
            release.SetResult();
            await Task.WhenAll(clients);
            await ApplianceFlowTests.WaitForFlowsAsync(pair);
        }
        catch (OperationCanceledException e)
        {
            throw new TimeoutException($"{phase}: {arrived} of {Flows} flows half-way, {sunk} bytes delivered, " +
                $"{clients.Count(c => c.IsCompleted)} clients done, {pair.Edge.Flows.Active.Count} edge and {pair.Core.Flows.Active.Count} core flows active, " +
                $"{ThreadPool.ThreadCount} pool threads, {ThreadPool.PendingWorkItemCount} work items queued; first flow errors: " +
                string.Join("; ", pair.EdgeEnded.Concat(pair.CoreEnded).Select(f => f.Error?.Message).OfType<string>().Distinct().Take(3)), e);
        }

        var results = await Task.WhenAll(clients);
        After = Measure();
        Failures = results.Count(ok => !ok) + pair.Edge.Flows.Failed + pair.Core.Flows.Failed;
    }

    private static (long Managed, long Resident) Measure()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        using var process = Process.GetCurrentProcess();
        return (GC.GetTotalMemory(forceFullCollection: true), process.WorkingSet64);
    }
}
