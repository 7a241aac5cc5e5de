using System.Globalization;
using Spectre.Console;

namespace WanAccel.Cli.Wan;

/// <summary>The table the demo and <c>bench wan</c> print.</summary>
internal static class WanReport
{
    public static void Print(WanBenchResult r)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"[bold]{Markup.Escape(Path.GetFileName(r.Input))}[/], {Bytes(r.InputBytes)} over {r.Rate}, RTT {r.Rtt}{(r.Window is null ? "" : $", native window {r.Window} B")}, codec {r.Codec}, {r.Protocol}")
            .AddColumn("Copy").AddColumn(new TableColumn("Time").RightAligned()).AddColumn(new TableColumn("WAN bytes").RightAligned())
            .AddColumn(new TableColumn("Reduction").RightAligned()).AddColumn(new TableColumn("Speed-up").RightAligned()).AddColumn("SHA-256");
        table.AddRow(
            r.Native.Measured ? "native, without WanAccel" : "native, computed (size ÷ rate + RTT)",
            Seconds(r.Native.Seconds), r.Native.Measured ? Bytes(r.InputBytes) : "-", "1.0×", "1.0×",
            r.Native.Verified is null ? "-" : Verdict(r.Native.Verified.Value));
        table.AddRow("WanAccel, cold cache", Seconds(r.Cold.Seconds), Bytes(r.Cold.WanBytes), Times(r.Cold.Reduction), Times(r.SpeedupCold), Verdict(r.Cold.Verified));
        table.AddRow("WanAccel, warm cache", Seconds(r.Warm.Seconds), Bytes(r.Warm.WanBytes), Times(r.Warm.Reduction), Times(r.SpeedupWarm), Verdict(r.Warm.Verified));
        AnsiConsole.Write(table);
    }

    private static string Verdict(bool ok) => ok ? "[green]verified[/]" : "[red]MISMATCH[/]";

    private static string Seconds(double s) => s >= 120 ? string.Create(CultureInfo.InvariantCulture, $"{(int)(s / 60)} min {s % 60:0} s") : string.Create(CultureInfo.InvariantCulture, $"{s:0.0} s");

    private static string Times(double x) => double.IsInfinity(x) ? "∞" : string.Create(CultureInfo.InvariantCulture, $"{x:0.0}×");

    public static string Bytes(double b) => b switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{b / (1L << 30):0.00} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{b / (1L << 20):0.0} MiB"),
        >= 1L << 10 => string.Create(CultureInfo.InvariantCulture, $"{b / (1L << 10):0.0} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{b:0} B"),
    };
}
