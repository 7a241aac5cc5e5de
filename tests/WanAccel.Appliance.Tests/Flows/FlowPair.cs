using System.IO.Pipelines;
using WanAccel.Appliance.Flows;
using WanAccel.Core.Knowledge;
using WanAccel.Core.Storage;
using WanAccel.Appliance.Interception;

namespace WanAccel.Appliance.Tests.Flows;

/// <summary>
/// Two appliance ends in memory: each with its own on-disk chunk store and its knowledge of the other; flows between
/// them run over a pair of pipes standing in for a peer channel.
/// </summary>
internal sealed class FlowPair : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("wanaccel-flow-").FullName;
    private int _generation;

    public FlowPair(FlowOptions? options = null)
    {
        Options = options ?? new FlowOptions();
        EdgeStore = Open("edge");
        CoreStore = Open("core");
        EdgeKnowsCore = new PeerKnowledge(1L << 30);
        CoreKnowsEdge = new PeerKnowledge(1L << 30);
    }

    public FlowOptions Options { get; }

    public LogChunkStore EdgeStore { get; private set; }

    public LogChunkStore CoreStore { get; private set; }

    public PeerKnowledge EdgeKnowsCore { get; }

    public PeerKnowledge CoreKnowsEdge { get; }

    public void WipeCoreStore()
    {
        CoreStore.Dispose();
        CoreStore = Open("core" + ++_generation);
    }

    /// <summary>
    /// Starts one flow: the edge's client talks to the core's server through two sessions. <paramref name="edgeLink"/>
    /// may wrap the edge's side of the edge → core link (a throttle, say).
    /// </summary>
    public FlowRun Start(Func<PipeWriter, PipeWriter>? edgeLink = null, CancellationToken cancellationToken = default)
    {
        var clientToEdge = new Pipe();
        var edgeToClient = new Pipe();
        var serverToCore = new Pipe();
        var coreToServer = new Pipe();
        var edgeToCore = new Pipe();
        var coreToEdge = new Pipe();
        var edge = new FlowSession(
            new DuplexPipe(clientToEdge.Reader, edgeToClient.Writer),
            new DuplexPipe(coreToEdge.Reader, edgeLink?.Invoke(edgeToCore.Writer) ?? edgeToCore.Writer),
            new FlowContext(EdgeStore, EdgeKnowsCore, Options));
        var core = new FlowSession(
            new DuplexPipe(serverToCore.Reader, coreToServer.Writer),
            new DuplexPipe(edgeToCore.Reader, coreToEdge.Writer),
            new FlowContext(CoreStore, CoreKnowsEdge, Options));
        return new FlowRun(
            edge,
            core,
            edge.RunAsync(cancellationToken),
            core.RunAsync(cancellationToken),
            clientToEdge.Writer,
            edgeToClient.Reader,
            serverToCore.Writer,
            coreToServer.Reader,
            edgeToCore.Writer);
    }

    public void Dispose()
    {
        EdgeStore.Dispose();
        CoreStore.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private LogChunkStore Open(string name) =>
        LogChunkStore.Open(new ChunkStoreOptions { Path = Path.Combine(_root, name), CapacityBytes = 1L << 30, SegmentBytes = 16L << 20 });
}

/// <summary>One running flow: the client and server ends the test drives, and both sessions.</summary>
internal sealed record FlowRun(
    FlowSession Edge,
    FlowSession Core,
    Task EdgeRun,
    Task CoreRun,
    PipeWriter ClientSends,
    PipeReader ClientReceives,
    PipeWriter ServerSends,
    PipeReader ServerReceives,
    PipeWriter EdgeToCoreLink)
{
    public static async Task SendAsync(PipeWriter writer, byte[] data)
    {
        for (var offset = 0; offset < data.Length; offset += 100_000)
        {
            await writer.WriteAsync(data.AsMemory(offset, Math.Min(100_000, data.Length - offset)));
        }

        await writer.CompleteAsync();
    }

    public static async Task<byte[]> ReceiveAsync(PipeReader reader)
    {
        var received = new MemoryStream();
        while (true)
        {
            var result = await reader.ReadAsync();
            foreach (var segment in result.Buffer)
            {
                received.Write(segment.Span);
            }

            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                await reader.CompleteAsync();
                return received.ToArray();
            }
        }
    }

    /// <summary>Sends <paramref name="request"/> client→server and <paramref name="response"/> server→client at once; returns what each end received.</summary>
    public async Task<(byte[] AtServer, byte[] AtClient)> ExchangeAsync(byte[] request, byte[] response)
    {
        var atServer = ReceiveAsync(ServerReceives);
        var atClient = ReceiveAsync(ClientReceives);
        await Task.WhenAll(SendAsync(ClientSends, request), SendAsync(ServerSends, response));
        var result = (await atServer, await atClient);
        await Task.WhenAll(EdgeRun, CoreRun).WaitAsync(TimeSpan.FromMinutes(2));
        return result;
    }
}
