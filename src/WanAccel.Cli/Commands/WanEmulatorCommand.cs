using System.CommandLine;
using System.Globalization;
using WanAccel.Appliance.WanEmulation;

namespace WanAccel.Cli.Commands;

/// <summary><c>wanaccel wan-emulator</c>: relay TCP through an emulated WAN link (rate, RTT, loss, window, queue) until Ctrl+C.</summary>
internal static class WanEmulatorCommand
{
    public static Command Create()
    {
        var listen = new Option<string>("--listen") { Description = "Where clients connect: host:port, or a port on 127.0.0.1", Required = true };
        var target = new Option<string>("--target") { Description = "Where connections are relayed to: host:port", Required = true };
        var rate = new Option<string>("--rate") { Description = "Rate per direction in bits/s with SI units: 10mbit (= 10mbps = 10,000,000 bit/s), 1gbit, 500kbit; 0 or unlimited", DefaultValueFactory = _ => "unlimited" };
        var rtt = new Option<string>("--rtt") { Description = "Round-trip time: 140ms, 0.2s, 500us (each direction adds half)", DefaultValueFactory = _ => "0ms" };
        var loss = new Option<string>("--loss") { Description = "Probability that a 1448-byte segment is lost and delivered one RTT late: 0.01 or 1%", DefaultValueFactory = _ => "0" };
        var window = new Option<string?>("--window") { Description = "Per-connection in-flight limit (legacy TCP window): 64k (KiB), 1m (MiB) or bytes; default none" };
        var queue = new Option<string?>("--queue") { Description = "Bytes held per direction before senders are back-pressured: 4m, 1m or bytes; default max(BDP, 1 MiB)" };
        var seed = new Option<int?>("--seed") { Description = "Seed of the loss generator, for reproducible runs" };
        var statsEvery = new Option<int>("--stats-interval") { Description = "Seconds between statistics lines; 0 = only at exit", DefaultValueFactory = _ => 10 };

        var command = new Command("wan-emulator", "Relay TCP connections through an emulated WAN link (user-space netem): rate, RTT, loss stalls, window limit, bounded queue")
        {
            listen, target, rate, rtt, loss, window, queue, seed, statsEvery,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var (options, errors) = new WanEmulatorSettings
            {
                Listen = parse.GetValue(listen)!,
                Target = parse.GetValue(target),
                Rate = parse.GetValue(rate)!,
                Rtt = parse.GetValue(rtt)!,
                Loss = parse.GetValue(loss)!,
                Window = parse.GetValue(window),
                Queue = parse.GetValue(queue),
                Seed = parse.GetValue(seed),
            }.ToOptions();
            if (options is null)
            {
                foreach (var e in errors)
                {
                    await Console.Error.WriteLineAsync($"wanaccel: {e}").ConfigureAwait(false);
                }

                return 2;
            }

            WanEmulator started;
            try
            {
                started = await WanEmulator.StartAsync(options, cancellationToken).ConfigureAwait(false);
            }
            catch (System.Net.Sockets.SocketException ex)
            {
                await Console.Error.WriteLineAsync($"wanaccel: cannot listen on {options.ListenEndPoint}: {ex.Message}").ConfigureAwait(false);
                return 1;
            }

            // On Ctrl+C / SIGTERM System.CommandLine cancels the token and exits with 130 / 143.
            await using var emulator = started;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wan-emulator: {emulator.LocalEndPoint} -> {options.TargetEndPoint}: {WanUnits.FormatRate(options.RateBitsPerSecond)}, RTT {options.Rtt.TotalMilliseconds:0.###} ms, loss {options.LossProbability:0.####}, window {(options.WindowBytes > 0 ? options.WindowBytes + " B" : "none")}, queue {options.EffectiveQueueBytes} B per direction. Ctrl+C to stop."));
            var interval = TimeSpan.FromSeconds(Math.Max(0, parse.GetValue(statsEvery)));
            try
            {
                while (true)
                {
                    await Task.Delay(interval > TimeSpan.Zero ? interval : Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
                    Console.WriteLine(Describe(emulator.Statistics));
                }
            }
            catch (OperationCanceledException)
            {
            }

            await emulator.StopAsync(CancellationToken.None).ConfigureAwait(false);
            Console.WriteLine(Describe(emulator.Statistics));
            return 0;
        });
        return command;
    }

    internal static string Describe(WanEmulatorStatistics s) => string.Create(CultureInfo.InvariantCulture,
        $"connections {s.ActiveConnections} active, {s.AcceptedConnections} accepted, {s.FailedConnections} failed, {s.AbortedConnections} reset | "
        + $"c->t {s.ClientToTarget.BytesOut:N0} B, queued {s.ClientToTarget.QueuedBytes:N0} (peak {s.ClientToTarget.PeakQueuedBytes:N0}), lost {s.ClientToTarget.LostSegments:N0} | "
        + $"t->c {s.TargetToClient.BytesOut:N0} B, queued {s.TargetToClient.QueuedBytes:N0} (peak {s.TargetToClient.PeakQueuedBytes:N0}), lost {s.TargetToClient.LostSegments:N0}");
}
