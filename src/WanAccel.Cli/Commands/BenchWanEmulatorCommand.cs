using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using WanAccel.Appliance.WanEmulation;

namespace WanAccel.Cli.Commands;

/// <summary>
/// <c>wanaccel bench wan-emulator</c>: checks the emulator against its settings on loopback: ping-pong RTT on an
/// idle link, then the rate a few connections get by pushing for N seconds into an in-process sink.
/// </summary>
internal static partial class BenchWanEmulatorCommand
{
    // The accuracy the emulator promises; the report says whether this run met it.
    private const double RateTolerancePercent = 3;
    private const double RttToleranceMs = 5;

    public static Command Create()
    {
        var rate = new Option<string>("--rate") { Description = "Rate to emulate, bits/s with SI units (10mbit, 1gbit)", DefaultValueFactory = _ => "10mbit" };
        var rtt = new Option<string>("--rtt") { Description = "RTT to emulate (140ms, 0.02s)", DefaultValueFactory = _ => "140ms" };
        var seconds = new Option<double>("--seconds") { Description = "Length of the throughput measurement in seconds", DefaultValueFactory = _ => 30 };
        var connections = new Option<int>("--connections") { Description = "Connections pushing at once (they share the link)", DefaultValueFactory = _ => 4 };
        var pings = new Option<int>("--pings") { Description = "Ping-pong round trips for the RTT measurement", DefaultValueFactory = _ => 50 };
        var window = new Option<string?>("--window") { Description = "Per-connection window (64k); the expected rate becomes min(rate, connections × window / RTT)" };
        var loss = new Option<string>("--loss") { Description = "Segment loss probability (0.01 or 1%); the rate then has no exact expectation", DefaultValueFactory = _ => "0" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table" };

        var command = new Command("wan-emulator", "Measure the WAN emulator on loopback: rate vs the set rate, ping-pong RTT vs the set RTT")
        {
            rate, rtt, seconds, connections, pings, window, loss, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var (options, errors) = new WanEmulatorSettings
            {
                Target = "127.0.0.1:9", Rate = parse.GetValue(rate)!, Rtt = parse.GetValue(rtt)!, Window = parse.GetValue(window), Loss = parse.GetValue(loss)!,
            }.ToOptions();
            var secs = parse.GetValue(seconds);
            var conns = parse.GetValue(connections);
            var pingCount = parse.GetValue(pings);
            var list = errors.ToList();
            if (secs is <= 0 or > 3600)
            {
                list.Add($"seconds: must be in (0, 3600], got {secs}");
            }

            if (conns is < 1 or > 1000)
            {
                list.Add($"connections: must be 1 to 1000, got {conns}");
            }

            if (pingCount is < 1 or > 100_000)
            {
                list.Add($"pings: must be 1 to 100000, got {pingCount}");
            }

            if (options is null || list.Count > 0)
            {
                foreach (var e in list)
                {
                    await Console.Error.WriteLineAsync($"wanaccel: {e}").ConfigureAwait(false);
                }

                return 2;
            }

            var quiet = parse.GetValue(json);
            var result = await RunAsync(options, TimeSpan.FromSeconds(secs), conns, pingCount,
                quiet ? null : step => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(step)}...[/]"), cancellationToken).ConfigureAwait(false);
            if (quiet)
            {
                Console.WriteLine(ToJson(result));
            }
            else
            {
                Print(result);
            }

            return 0;
        });
        return command;
    }

    private static void Print(Result r)
    {
        var table = new Table().Title($"wanaccel bench wan-emulator ({r.Connections} connections, {r.MeasuredSeconds:F1} s, {r.Pings} pings)");
        table.AddColumn("");
        table.AddColumn(new TableColumn("set").RightAligned());
        table.AddColumn(new TableColumn("measured").RightAligned());
        table.AddColumn(new TableColumn("error").RightAligned());
        table.AddColumn(new TableColumn("within target").RightAligned());
        var rateLabel = r.WindowBytes > 0 ? F($"rate ({r.Connections} × window / RTT)") : "rate";
        table.AddRow(rateLabel, WanUnits.FormatRate(r.ExpectedRateBitsPerSecond), WanUnits.FormatRate(r.MeasuredRateBitsPerSecond),
            F($"{r.RateErrorPercent:+0.00;-0.00}%"), Verdict(r.RateWithinTarget, $"±{RateTolerancePercent}%"));
        table.AddRow("RTT median", F($"{r.SetRttMs:0.###} ms"), F($"{r.RttMedianMs:0.00} ms"), F($"{r.RttMedianMs - r.SetRttMs:+0.00;-0.00} ms"), Verdict(r.RttWithinTarget, $"±{RttToleranceMs} ms"));
        table.AddRow("RTT p99", "", F($"{r.RttP99Ms:0.00} ms"), F($"{r.RttP99Ms - r.SetRttMs:+0.00;-0.00} ms"), "");
        table.AddRow("RTT min / max", "", F($"{r.RttMinMs:0.00} / {r.RttMaxMs:0.00} ms"), "", "");
        if (r.WindowBytes > 0)
        {
            table.AddRow("peak in flight", F($"{r.WindowBytes:N0} B"), F($"{r.PeakInFlightBytes:N0} B"), "", "");
        }

        if (r.LossProbability > 0)
        {
            table.AddRow("lost segments", F($"p = {r.LossProbability:0.####}"), F($"{r.LostSegments:N0}"), "", "");
        }

        table.AddRow("peak queue", F($"{r.QueueCapacityBytes:N0} B"), F($"{r.PeakQueuedBytes:N0} B"), "", "");
        AnsiConsole.Write(table);
    }

    private static string Verdict(bool ok, string target) => ok ? $"[green]yes[/] ({target})" : $"[red]no[/] ({target})";

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static string ToJson(Result r)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("setRateBitsPerSecond", r.SetRateBitsPerSecond);
            w.WriteNumber("windowBytes", r.WindowBytes);
            w.WriteNumber("lossProbability", r.LossProbability);
            w.WriteNumber("expectedRateBitsPerSecond", Math.Round(r.ExpectedRateBitsPerSecond));
            w.WriteNumber("measuredRateBitsPerSecond", Math.Round(r.MeasuredRateBitsPerSecond));
            w.WriteNumber("rateErrorPercent", Math.Round(r.RateErrorPercent, 3));
            w.WriteBoolean("rateWithinTarget", r.RateWithinTarget);
            w.WriteNumber("setRttMs", r.SetRttMs);
            w.WriteNumber("rttMedianMs", Math.Round(r.RttMedianMs, 3));
            w.WriteNumber("rttP99Ms", Math.Round(r.RttP99Ms, 3));
            w.WriteNumber("rttMinMs", Math.Round(r.RttMinMs, 3));
            w.WriteNumber("rttMaxMs", Math.Round(r.RttMaxMs, 3));
            w.WriteBoolean("rttWithinTarget", r.RttWithinTarget);
            w.WriteNumber("pings", r.Pings);
            w.WriteNumber("connections", r.Connections);
            w.WriteNumber("measuredSeconds", Math.Round(r.MeasuredSeconds, 3));
            w.WriteNumber("measuredBytes", r.MeasuredBytes);
            w.WriteNumber("peakQueuedBytes", r.PeakQueuedBytes);
            w.WriteNumber("peakInFlightBytes", r.PeakInFlightBytes);
            w.WriteNumber("lostSegments", r.LostSegments);
            w.WriteNumber("queueCapacityBytes", r.QueueCapacityBytes);
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private sealed record Result(
        long SetRateBitsPerSecond, double MeasuredRateBitsPerSecond, double SetRttMs,
        double RttMedianMs, double RttP99Ms, double RttMinMs, double RttMaxMs,
        int Pings, int Connections, double MeasuredSeconds, long MeasuredBytes, long PeakQueuedBytes, long QueueCapacityBytes,
        long WindowBytes, double LossProbability, long PeakInFlightBytes, long LostSegments)
    {
        /// <summary>The set rate, or with a window the lower of it and connections × window / RTT (0 = unlimited).</summary>
        public double ExpectedRateBitsPerSecond => WindowBytes > 0 && SetRttMs > 0
            ? Math.Min(SetRateBitsPerSecond > 0 ? SetRateBitsPerSecond : double.MaxValue, Connections * WindowBytes * 8 / (SetRttMs / 1000))
            : SetRateBitsPerSecond;

        public double RateErrorPercent => ExpectedRateBitsPerSecond <= 0 ? 0 : (MeasuredRateBitsPerSecond / ExpectedRateBitsPerSecond - 1) * 100;

        public bool RateWithinTarget => ExpectedRateBitsPerSecond <= 0 || Math.Abs(RateErrorPercent) <= RateTolerancePercent;

        public bool RttWithinTarget => Math.Abs(RttMedianMs - SetRttMs) <= RttToleranceMs;
    }
}
