using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Threading.Channels;
using WanAccel.Appliance.Tests.WanEmulation;

namespace WanAccel.Appliance.Tests.EndToEnd;

/// <summary>
/// A destination whose protocol makes truncation visible: the client announces the payload length (8 bytes, big
/// endian), sends the payload and half-closes; the sink answers with the payload's SHA-256 only once it has every
/// announced byte. Each connection's end is recorded — complete, EOF before the announced length, or reset — with the
/// count and hash of what did arrive, so a test can check that a failed transfer delivered a true prefix, never wrong bytes.
/// </summary>
internal sealed class FramedSink : IAsyncDisposable
{
    private readonly LoopbackServer _server;
    private readonly ConcurrentQueue<SinkOutcome> _outcomes = new();
    private readonly Channel<SinkOutcome> _ended = Channel.CreateUnbounded<SinkOutcome>();
    private long _received;

    public FramedSink() => _server = new LoopbackServer(ServeAsync);

    public IPEndPoint EndPoint => _server.EndPoint;

    /// <summary>Payload bytes received over all connections so far.</summary>
    public long BytesReceived => Interlocked.Read(ref _received);

    public IReadOnlyCollection<SinkOutcome> Outcomes => _outcomes;

    /// <summary>Waits for the next connection to end and returns how it ended (in order of ending).</summary>
    public ValueTask<SinkOutcome> NextOutcomeAsync(CancellationToken cancellationToken) => _ended.Reader.ReadAsync(cancellationToken);

    /// <summary>Waits until <see cref="BytesReceived"/> reaches <paramref name="bytes"/>: the transfer is under way end to end.</summary>
    public async Task WaitReceivedAsync(long bytes, CancellationToken cancellationToken)
    {
        while (BytesReceived < bytes)
        {
            await Task.Delay(10, cancellationToken);
        }
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    /// <summary>Client side: announces and sends <paramref name="data"/>, calling <paramref name="midway"/> after <paramref name="pauseAt"/> bytes; returns the sink's reply.</summary>
    public static async Task<byte[]> SendAsync(Socket socket, byte[] data, CancellationToken cancellationToken, int pauseAt = 0, Func<Task>? midway = null)
    {
        var header = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(header, data.Length);
        await socket.SendAllAsync(header, cancellationToken);
        await socket.SendAllAsync(data.AsMemory(0, pauseAt), cancellationToken);
        if (midway is not null)
        {
            await midway();
        }

        await socket.SendAllAsync(data.AsMemory(pauseAt), cancellationToken);
        socket.Shutdown(SocketShutdown.Send);
        return await socket.ReadExactlyAsync(32, cancellationToken);
    }

    private async Task ServeAsync(Socket socket, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long announced = -1;
        long received = 0;
        var end = SinkEnd.Complete;
        try
        {
            var header = await socket.ReadExactlyAsync(8, cancellationToken);
            announced = BinaryPrimitives.ReadInt64BigEndian(header);
            var buffer = new byte[64 * 1024];
            while (received < announced)
            {
                var n = await socket.ReceiveAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, announced - received)), SocketFlags.None, cancellationToken);
                if (n == 0)
                {
                    end = SinkEnd.EndOfStreamEarly;
                    break;
                }

                hash.AppendData(buffer, 0, n);
                received += n;
                Interlocked.Add(ref _received, n);
            }

            if (end == SinkEnd.Complete)
            {
                await socket.SendAsync(hash.GetCurrentHash(), SocketFlags.None, cancellationToken);
                socket.Shutdown(SocketShutdown.Send);
                if (await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken) != 0)
                {
                    end = SinkEnd.TrailingBytes; // more than announced: as wrong as too few
                }
            }
        }
        catch (EndOfStreamException)
        {
            end = SinkEnd.EndOfStreamEarly;
        }
        catch (SocketException)
        {
            end = SinkEnd.Reset;
        }
        finally
        {
            var outcome = new SinkOutcome(end, announced, received, hash.GetHashAndReset());
            _outcomes.Enqueue(outcome);
            _ended.Writer.TryWrite(outcome);
        }
    }
}
