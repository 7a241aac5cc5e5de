using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using WanAccel.Appliance.WanEmulation;

namespace WanAccel.Cli.Commands;

/// <summary>The measurement: an in-process echo/sink server behind the emulator, all on loopback.</summary>
internal static partial class BenchWanEmulatorCommand
{
    private const byte EchoMode = (byte)'E';
    private const byte SinkMode = (byte)'S';
    private const int PingBytes = 32;

    private static async Task<Result> RunAsync(WanEmulatorOptions settings, TimeSpan duration, int connections, int pings, Action<string>? progress, CancellationToken cancellationToken)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1024);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sink = new SinkCounter();
        var server = ServeAsync(listener, sink, stop.Token);

        var options = settings with { ListenEndPoint = new IPEndPoint(IPAddress.Loopback, 0), TargetEndPoint = listener.LocalEndPoint };
        var emulator = await WanEmulator.StartAsync(options, cancellationToken).ConfigureAwait(false);
        try
        {
            progress?.Invoke($"measuring RTT with {pings} ping-pongs of {PingBytes} bytes on the idle link");
            var rtts = await PingAsync(emulator.LocalEndPoint, pings, cancellationToken).ConfigureAwait(false);

            progress?.Invoke($"pushing through {connections} connections for {duration.TotalSeconds:0.#} s (after a warm-up of at least 1 s)");
            var payload = new byte[64 * 1024];
            Random.Shared.NextBytes(payload);
            payload[0] = SinkMode;
            var senders = Enumerable.Range(0, connections).Select(_ => PushAsync(emulator.LocalEndPoint, payload, stop.Token)).ToArray();
            while (Interlocked.Read(ref sink.Bytes) == 0)
            {
                await Task.Delay(1, cancellationToken).ConfigureAwait(false);
            }

            // Warm-up: 1 s, and until the sink keeps up with what the link delivers (with 1,000 connections the
            // harness's own start-up can leave megabytes in socket buffers for a few seconds).
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < 300 && emulator.Statistics.ClientToTarget.BytesOut - Interlocked.Read(ref sink.Bytes) > options.EffectiveQueueBytes; i++)
            {
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }

            var t1 = Stopwatch.GetTimestamp();
            var b1 = Interlocked.Read(ref sink.Bytes);
            await Task.Delay(duration, cancellationToken).ConfigureAwait(false);
            var t2 = Stopwatch.GetTimestamp();
            var b2 = Interlocked.Read(ref sink.Bytes);
            var stats = emulator.Statistics.ClientToTarget;

            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(senders).ConfigureAwait(false);

            var seconds = Stopwatch.GetElapsedTime(t1, t2).TotalSeconds;
            Array.Sort(rtts);
            return new Result(
                options.RateBitsPerSecond, (b2 - b1) * 8 / seconds, options.Rtt.TotalMilliseconds,
                Percentile(rtts, 0.5), Percentile(rtts, 0.99), rtts[0], rtts[^1],
                pings, connections, seconds, b2 - b1, stats.PeakQueuedBytes, stats.QueueCapacityBytes,
                options.WindowBytes, options.LossProbability, stats.PeakInFlightBytes, stats.LostSegments);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await emulator.DisposeAsync().ConfigureAwait(false);
            listener.Dispose();
            await server.ConfigureAwait(false);
        }
    }

    private static async Task<double[]> PingAsync(IPEndPoint endPoint, int pings, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
        await socket.SendAsync(new[] { EchoMode }, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        var message = new byte[PingBytes];
        var reply = new byte[PingBytes];
        var rtts = new double[pings];
        for (var i = -5; i < pings; i++) // 5 uncounted round trips warm up the JIT and the connection
        {
            var start = Stopwatch.GetTimestamp();
            await socket.SendAsync(message, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            for (var got = 0; got < PingBytes;)
            {
                var n = await socket.ReceiveAsync(reply.AsMemory(got), SocketFlags.None, cancellationToken).ConfigureAwait(false);
                got += n > 0 ? n : throw new EndOfStreamException("echo connection closed");
            }

            if (i >= 0)
            {
                rtts[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        }

        socket.Shutdown(SocketShutdown.Both);
        return rtts;
    }

    private static async Task PushAsync(IPEndPoint endPoint, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
            while (true)
            {
                await socket.SendAsync(data, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (SocketException)
        {
        }
    }

    private static async Task ServeAsync(Socket listener, SinkCounter sink, CancellationToken cancellationToken)
    {
        var handlers = new List<Task>();
        try
        {
            while (true)
            {
                var socket = await listener.AcceptAsync(cancellationToken).ConfigureAwait(false);
                handlers.Add(HandleAsync(socket, sink, cancellationToken));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        await Task.WhenAll(handlers).ConfigureAwait(false);
    }

    private static async Task HandleAsync(Socket socket, SinkCounter sink, CancellationToken cancellationToken)
    {
        using (socket)
        {
            socket.NoDelay = true;
            var buffer = new byte[16 * 1024];
            try
            {
                var n = await socket.ReceiveAsync(buffer.AsMemory(0, 1), SocketFlags.None, cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    return;
                }

                if (buffer[0] == EchoMode)
                {
                    while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false)) > 0)
                    {
                        await socket.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, cancellationToken).ConfigureAwait(false);
                    }

                    return;
                }

                Interlocked.Increment(ref sink.Bytes);
                while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    Interlocked.Add(ref sink.Bytes, n);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException)
            {
            }
        }
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private sealed class SinkCounter
    {
        public long Bytes;
    }
}
