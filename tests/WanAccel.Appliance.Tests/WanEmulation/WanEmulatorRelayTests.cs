using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using WanAccel.Appliance.WanEmulation;

namespace WanAccel.Appliance.Tests.WanEmulation;

/// <summary>End-to-end relays over loopback. Assertions are on bytes and counters; the only time bound is physics (a rate floor).</summary>
public sealed class WanEmulatorRelayTests
{
    // A hang guard, not a timing assertion.
    private static CancellationTokenSource Guard() => new(TimeSpan.FromSeconds(60));

    private static WanEmulatorOptions Link(IPEndPoint target, string rate = "unlimited", string rtt = "10ms") =>
        new WanEmulatorSettings { Target = target.ToString(), Rate = rate, Rtt = rtt, Seed = 1 }.ToOptions().Options!;

    [Fact]
    public async Task Relay_RandomDataBothDirections_ByteExact()
    {
        using var cts = Guard();
        var up = SocketTestExtensions.RandomBytes(1_500_000, 1);
        var down = SocketTestExtensions.RandomBytes(900_000, 2);
        var serverGot = new TaskCompletionSource<(byte[], long)>();
        await using var server = new LoopbackServer(async (s, ct) =>
        {
            var read = s.ReadToEndHashAsync(ct);
            await s.SendAllAsync(down, ct);
            s.Shutdown(SocketShutdown.Send);
            serverGot.SetResult(await read);
        });
        await using var emu = await WanEmulator.StartAsync(Link(server.EndPoint, "200mbit", "20ms"), cts.Token);

        using var client = await SocketTestExtensions.ConnectAsync(emu.LocalEndPoint, cts.Token);
        var clientRead = client.ReadToEndHashAsync(cts.Token);
        await client.SendAllAsync(up, cts.Token);
        client.Shutdown(SocketShutdown.Send);

        var (downHash, downLength) = await clientRead;
        var (upHash, upLength) = await serverGot.Task.WaitAsync(cts.Token);
        Assert.Equal(up.Length, upLength);
        Assert.Equal(SHA256.HashData(up), upHash);
        Assert.Equal(down.Length, downLength);
        Assert.Equal(SHA256.HashData(down), downHash);
        var stats = emu.Statistics;
        Assert.Equal(up.Length, stats.ClientToTarget.BytesOut);
        Assert.Equal(down.Length, stats.TargetToClient.BytesOut);
        Assert.Equal(1, stats.AcceptedConnections);
    }

    [Fact]
    public async Task HalfClose_ClientShutsDownSend_ServerSeesDataThenEofAndStillReplies()
    {
        using var cts = Guard();
        await using var server = new LoopbackServer(async (s, ct) =>
        {
            var request = new byte[5];
            await s.ReceiveAsync(request, SocketFlags.None, ct); // may be short; the loop below tolerates it
            var (_, rest) = await s.ReadToEndHashAsync(ct);      // returns only at EOF: the FIN came through
            var reply = "world:"u8.ToArray().Concat(BitConverter.GetBytes(rest)).ToArray();
            await s.SendAllAsync(reply, ct);
            s.Shutdown(SocketShutdown.Send);
        });
        await using var emu = await WanEmulator.StartAsync(Link(server.EndPoint, rtt: "30ms"), cts.Token);

        using var client = await SocketTestExtensions.ConnectAsync(emu.LocalEndPoint, cts.Token);
        await client.SendAllAsync("hello"u8.ToArray(), cts.Token);
        client.Shutdown(SocketShutdown.Send);
        var reply = await client.ReadExactlyAsync(6 + 8, cts.Token);
        var eof = await client.ReceiveAsync(new byte[1], SocketFlags.None, cts.Token);

        Assert.Equal("world:"u8.ToArray(), reply[..6]);
        Assert.Equal(0, eof);
    }

    [Fact]
    public async Task Relay_200ConcurrentConnections_AllByteExact()
    {
        using var cts = Guard();
        await using var server = new LoopbackServer(async (s, ct) =>
        {
            var buffer = new byte[8192];
            int n;
            while ((n = await s.ReceiveAsync(buffer, SocketFlags.None, ct)) > 0)
            {
                await s.SendAllAsync(buffer.AsMemory(0, n), ct);
            }

            s.Shutdown(SocketShutdown.Send);
        });
        await using var emu = await WanEmulator.StartAsync(Link(server.EndPoint, "100mbit", "20ms"), cts.Token);

        var clients = Enumerable.Range(0, 200).Select(async i =>
        {
            var data = SocketTestExtensions.RandomBytes(20_000 + i, i);
            using var c = await SocketTestExtensions.ConnectAsync(emu.LocalEndPoint, cts.Token);
            var echo = c.ReadToEndHashAsync(cts.Token);
            await c.SendAllAsync(data, cts.Token);
            c.Shutdown(SocketShutdown.Send);
            var (hash, length) = await echo;
            return length == data.Length && hash.AsSpan().SequenceEqual(SHA256.HashData(data));
        }).ToArray();

        var results = await Task.WhenAll(clients);
        Assert.All(results, Assert.True);
        Assert.Equal(200, emu.Statistics.AcceptedConnections);
        Assert.Equal(0, emu.Statistics.AbortedConnections);
    }

    [Fact]
    public async Task QueueBound_ReceiverNeverReads_EmulatorHoldsAtMostTheBound()
    {
        using var cts = Guard();
        using var release = new CancellationTokenSource();
        await using var server = new LoopbackServer(async (s, ct) =>
        {
            s.ReceiveBufferSize = 64 * 1024;
            await Task.Delay(Timeout.Infinite, release.Token).ContinueWith(_ => { }, TaskScheduler.Default);
        });
        var options = Link(server.EndPoint, "unlimited", "5ms") with { QueueBytes = 256 * 1024 };
        await using var emu = await WanEmulator.StartAsync(options, cts.Token);

        using var client = await SocketTestExtensions.ConnectAsync(emu.LocalEndPoint, cts.Token);
        var data = SocketTestExtensions.RandomBytes(64 * 1024 * 1024, 3);
        using var sending = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        var sent = 0L;
        try
        {
            while (sent < data.Length)
            {
                sent += await client.SendAsync(data.AsMemory((int)sent, 64 * 1024), SocketFlags.None, sending.Token);
            }
        }
        catch (OperationCanceledException)
        {
        }

        var stats = emu.Statistics.ClientToTarget;
        release.Cancel();

        Assert.True(sent < data.Length, "the sender must have been blocked by back-pressure");
        Assert.Equal(256 * 1024, stats.QueueCapacityBytes);
        Assert.InRange(stats.PeakQueuedBytes, 1, 256 * 1024);
        Assert.InRange(stats.PeakConnectionBytes, 1, 256 * 1024);
        Assert.InRange(stats.BytesIn - stats.BytesOut, 1, 256 * 1024);
    }

    [Fact]
    public async Task QueueBound_OneReceiverStalled_OtherConnectionStillByteExact()
    {
        using var cts = Guard();
        using var release = new CancellationTokenSource();
        var got = new TaskCompletionSource<(byte[], long)>();
        await using var server = new LoopbackServer(async (s, ct) =>
        {
            var mode = await s.ReadExactlyAsync(1, ct);
            if (mode[0] == (byte)'X')
            {
                s.ReceiveBufferSize = 64 * 1024;
                await Task.Delay(Timeout.Infinite, release.Token).ContinueWith(_ => { }, TaskScheduler.Default);
                return;
            }

            got.SetResult(await s.ReadToEndHashAsync(ct));
        });
        var options = Link(server.EndPoint, "unlimited", "5ms") with { QueueBytes = 128 * 1024 };
        await using var emu = await WanEmulator.StartAsync(options, cts.Token);

        // Fill everything behind the stalled receiver: kernel buffers, then the emulator's per-connection bound.
        using var stalled = await SocketTestExtensions.ConnectAsync(emu.LocalEndPoint, cts.Token);
        var junk = new byte[64 * 1024];
        junk[0] = (byte)'X';
        using (var sending = new CancellationTokenSource(TimeSpan.FromSeconds(2)))
        {
            try
            {
                while (true)
                {
                    await stalled.SendAsync(junk, SocketFlags.None, sending.Token);
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        var data = SocketTestExtensions.RandomBytes(2_000_000, 7);
        data[0] = (byte)'D';
        using var client = await SocketTestExtensions.ConnectAsync(emu.LocalEndPoint, cts.Token);
        await client.SendAllAsync(data, cts.Token);
        client.Shutdown(SocketShutdown.Send);
        var (hash, length) = await got.Task.WaitAsync(cts.Token);
        release.Cancel();

        Assert.Equal(data.Length - 1, length);
        Assert.Equal(SHA256.HashData(data.AsSpan(1)), hash);
        Assert.InRange(emu.Statistics.ClientToTarget.PeakConnectionBytes, 1, 128 * 1024);
    }

    [Fact]
    public async Task Window_16KiB_InFlightNeverExceedsWindowAndByteExact()
    {
        using var cts = Guard();
        var data = SocketTestExtensions.RandomBytes(300_000, 4);
        var got = new TaskCompletionSource<(byte[], long)>();
        await using var server = new LoopbackServer(async (s, ct) =>
        {
            got.SetResult(await s.ReadToEndHashAsync(ct));
            s.Shutdown(SocketShutdown.Send);
        });
        var options = Link(server.EndPoint, "100mbit", "10ms") with { WindowBytes = 16 * 1024 };
        await using var emu = await WanEmulator.StartAsync(options, cts.Token);

        using var client = await SocketTestExtensions.ConnectAsync(emu.LocalEndPoint, cts.Token);
        await client.SendAllAsync(data, cts.Token);
        client.Shutdown(SocketShutdown.Send);
        var (hash, length) = await got.Task.WaitAsync(cts.Token);

        Assert.Equal(data.Length, length);
        Assert.Equal(SHA256.HashData(data), hash);
        Assert.InRange(emu.Statistics.ClientToTarget.PeakInFlightBytes, 1, 16 * 1024);
    }

    [Fact]
    public async Task Loss_ProbabilityOne_EverySegmentStalledAndByteExact()
    {
        using var cts = Guard();
        var data = SocketTestExtensions.RandomBytes(200_000, 5);
        var got = new TaskCompletionSource<(byte[], long)>();
        await using var server = new LoopbackServer(async (s, ct) =>
        {
            got.SetResult(await s.ReadToEndHashAsync(ct));
            s.Shutdown(SocketShutdown.Send);
        });
        var options = Link(server.EndPoint, "50mbit", "10ms") with { LossProbability = 1.0 };
        await using var emu = await WanEmulator.StartAsync(options, cts.Token);

        using var client = await SocketTestExtensions.ConnectAsync(emu.LocalEndPoint, cts.Token);
        await client.SendAllAsync(data, cts.Token);
        client.Shutdown(SocketShutdown.Send);
        var (hash, length) = await got.Task.WaitAsync(cts.Token);

        Assert.Equal(data.Length, length);
        Assert.Equal(SHA256.HashData(data), hash);
        var stats = emu.Statistics.ClientToTarget;
        Assert.True(stats.Segments >= data.Length / WanEmulatorOptions.SegmentSize);
        Assert.Equal(stats.Segments, stats.LostSegments);
        Assert.Equal(0, emu.Statistics.TargetToClient.LostSegments);
    }

    [Fact]
    public async Task RateLimit_250KBAt1Mbit_CannotArriveInUnder1point5Seconds()
    {
        using var cts = Guard();
        var data = SocketTestExtensions.RandomBytes(250_000, 6);
        var got = new TaskCompletionSource<(byte[], long)>();
        await using var server = new LoopbackServer(async (s, ct) =>
        {
            got.SetResult(await s.ReadToEndHashAsync(ct));
            s.Shutdown(SocketShutdown.Send);
        });
        await using var emu = await WanEmulator.StartAsync(Link(server.EndPoint, "1mbit", "10ms"), cts.Token);

        var clock = Stopwatch.StartNew();
        using var client = await SocketTestExtensions.ConnectAsync(emu.LocalEndPoint, cts.Token);
        await client.SendAllAsync(data, cts.Token);
        client.Shutdown(SocketShutdown.Send);
        var (hash, _) = await got.Task.WaitAsync(cts.Token);

        // Physics, not performance: 2,000,000 bits at 1,000,000 bit/s take 2 s.
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.5), $"arrived after {clock.Elapsed}");
        Assert.Equal(SHA256.HashData(data), hash);
    }

    [Fact]
    public async Task Reset_ClientAborts_ServerSideIsReset()
    {
        using var cts = Guard();
        var serverSaw = new TaskCompletionSource<Exception?>();
        await using var server = new LoopbackServer(async (s, ct) =>
        {
            try
            {
                await s.ReadToEndHashAsync(ct);
                serverSaw.SetResult(null);
            }
            catch (SocketException ex)
            {
                serverSaw.SetResult(ex);
            }
        });
        await using var emu = await WanEmulator.StartAsync(Link(server.EndPoint, rtt: "5ms"), cts.Token);

        var client = await SocketTestExtensions.ConnectAsync(emu.LocalEndPoint, cts.Token);
        await client.SendAllAsync(new byte[1000], cts.Token);
        client.LingerState = new LingerOption(true, 0);
        client.Dispose(); // RST

        var seen = await serverSaw.Task.WaitAsync(cts.Token);
        Assert.IsType<SocketException>(seen);
        while (emu.Statistics.ActiveConnections > 0)
        {
            await Task.Delay(10, cts.Token);
        }

        Assert.Equal(1, emu.Statistics.AbortedConnections);
    }

    [Fact]
    public async Task Connect_TargetRefuses_ClientIsResetAndCounted()
    {
        using var cts = Guard();
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var closedPort = (IPEndPoint)probe.LocalEndPoint!; // bound, never listening: connections are refused
        await using var emu = await WanEmulator.StartAsync(Link(closedPort), cts.Token);

        // The reset can even beat the client's own connect completion on loopback.
        var outcome = await Record.ExceptionAsync(async () =>
        {
            using var client = await SocketTestExtensions.ConnectAsync(emu.LocalEndPoint, cts.Token);
            var n = await client.ReceiveAsync(new byte[1], SocketFlags.None, cts.Token);
            Assert.Equal(0, n);
        });

        Assert.True(outcome is null or SocketException);
        while (emu.Statistics.FailedConnections == 0)
        {
            await Task.Delay(10, cts.Token);
        }
    }

    [Fact]
    public async Task StopAsync_WithOpenConnections_CompletesAndClientsSeeTheEnd()
    {
        using var cts = Guard();
        await using var server = new LoopbackServer(async (s, ct) => await s.ReadToEndHashAsync(ct));
        var emu = await WanEmulator.StartAsync(Link(server.EndPoint), cts.Token);
        var clients = new List<Socket>();
        for (var i = 0; i < 5; i++)
        {
            clients.Add(await SocketTestExtensions.ConnectAsync(emu.LocalEndPoint, cts.Token));
        }

        while (emu.Statistics.ActiveConnections < 5)
        {
            await Task.Delay(10, cts.Token);
        }

        await emu.StopAsync(cts.Token);
        await emu.DisposeAsync(); // idempotent

        Assert.Equal(0, emu.Statistics.ActiveConnections);
        foreach (var c in clients)
        {
            var end = await Record.ExceptionAsync(async () => Assert.Equal(0, await c.ReceiveAsync(new byte[1], SocketFlags.None, cts.Token)));
            Assert.True(end is null or SocketException);
            c.Dispose();
        }
    }
}
