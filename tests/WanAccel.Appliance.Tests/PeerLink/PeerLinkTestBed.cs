using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Security.Cryptography;
using WanAccel.Appliance.Identity;
using WanAccel.Appliance.PeerLink;

namespace WanAccel.Appliance.Tests.PeerLink;

/// <summary>
/// A core (listener) and an edge (connector) on loopback with freshly created identities pinned to each other.
/// Every wait is bounded by <see cref="Timeout"/>; nothing asserts on time.
/// </summary>
internal sealed class PeerLinkTestBed : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly CancellationTokenSource _timeout = new(Timeout);

    public PeerLinkTestBed(Func<PeerLinkOptions, PeerLinkOptions>? tune = null)
    {
        CoreIdentity = PeerIdentity.Create("core");
        EdgeIdentity = PeerIdentity.Create("edge");
        Tune = tune ?? (o => o);
        CoreOptions = Tune(new PeerLinkOptions
        {
            Listen = "127.0.0.1:0",
            Peers = [new PeerOptions { Name = "edge", PinnedFingerprints = [EdgeIdentity.Fingerprint] }],
            ReconnectMinDelay = TimeSpan.FromMilliseconds(20),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(200),
        });
    }

    public PeerIdentity CoreIdentity { get; }

    public PeerIdentity EdgeIdentity { get; }

    public Func<PeerLinkOptions, PeerLinkOptions> Tune { get; }

    public PeerLinkOptions CoreOptions { get; private set; }

    public PeerLinkListener? Listener { get; private set; }

    public PeerConnector? Connector { get; private set; }

    public CancellationToken Token => _timeout.Token;

    /// <summary>Channels the core's handler received.</summary>
    public int CoreHandled;

    public PeerLinkListener StartListener(PeerChannelHandler? handler, IPEndPoint? at = null)
    {
        if (at is not null)
        {
            CoreOptions = CoreOptions with { Listen = at.ToString() };
        }

        Listener = new PeerLinkListener(CoreIdentity, CoreOptions, Count(handler));
        Listener.Start();
        return Listener;
    }

    public PeerLinkOptions EdgeOptions(string? coreFingerprint = null, int connections = 1) => Tune(new PeerLinkOptions
    {
        Peers = [new PeerOptions
        {
            Name = "core",
            Endpoint = Listener!.LocalEndPoint!.ToString(),
            PinnedFingerprints = [coreFingerprint ?? CoreIdentity.Fingerprint],
        }],
        ConnectionsPerPeer = connections,
        ReconnectMinDelay = TimeSpan.FromMilliseconds(20),
        ReconnectMaxDelay = TimeSpan.FromMilliseconds(200),
    });

    public async Task<PeerConnector> StartConnectorAsync(PeerChannelHandler? handler = null, int connections = 1, bool waitUp = true)
    {
        Connector = new PeerConnector(EdgeIdentity, EdgeOptions(connections: connections), "core", handler);
        Connector.Start();
        if (waitUp)
        {
            await Connector.WaitUntilUpAsync(Token);
        }

        return Connector;
    }

    public async ValueTask DisposeAsync()
    {
        if (Connector is not null)
        {
            await Connector.DisposeAsync().AsTask().WaitAsync(Timeout);
        }

        if (Listener is not null)
        {
            await Listener.DisposeAsync().AsTask().WaitAsync(Timeout);
        }

        CoreIdentity.Dispose();
        EdgeIdentity.Dispose();
        _timeout.Dispose();
    }

    /// <summary>Polls <paramref name="condition"/> until true; fails the test after <see cref="Timeout"/>.</summary>
    public async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        while (!condition())
        {
            if (Token.IsCancellationRequested)
            {
                Assert.Fail($"Timed out waiting for: {what}");
            }

            await Task.Delay(10);
        }
    }

    public static Task Echo(PeerChannel channel, ReadOnlyMemory<byte> metadata) => channel.Input.CopyToAsync(channel.Output);

    public static async Task<byte[]> ReadToEndAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            foreach (var segment in result.Buffer)
            {
                buffer.Write(segment.Span);
            }

            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return buffer.ToArray();
            }
        }
    }

    public static async Task WriteAllAsync(PipeWriter writer, ReadOnlyMemory<byte> data, int chunk, CancellationToken cancellationToken)
    {
        for (var offset = 0; offset < data.Length; offset += chunk)
        {
            await writer.WriteAsync(data.Slice(offset, Math.Min(chunk, data.Length - offset)), cancellationToken);
        }
    }

    /// <summary>Sends <paramref name="data"/>, FINs, and returns everything received until the peer's FIN.</summary>
    public static async Task<byte[]> ExchangeAsync(PeerChannel channel, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var reading = ReadToEndAsync(channel.Input, cancellationToken);
        await WriteAllAsync(channel.Output, data, 16 * 1024, cancellationToken);
        await channel.Output.CompleteAsync();
        return await reading;
    }

    public static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static string Hash(ReadOnlySpan<byte> data) => Convert.ToHexString(SHA256.HashData(data));

    private PeerChannelHandler? Count(PeerChannelHandler? handler) => handler is null ? null : (channel, metadata) =>
    {
        Interlocked.Increment(ref CoreHandled);
        return handler(channel, metadata);
    };
}
