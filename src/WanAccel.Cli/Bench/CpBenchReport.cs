using System.Globalization;
using Spectre.Console;
using WanAccel.Cli.Wan;

namespace WanAccel.Cli.Bench;

/// <summary>The table <c>bench cp</c> prints.</summary>
internal static class CpBenchReport
{
    public static void Print(CpBenchResult r)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"[bold]{Markup.Escape(Path.GetFileName(r.Input))}[/], {WanReport.Bytes(r.InputBytes)} over {r.Rate}, RTT {r.Rtt}, policy {r.Policy}, codec {r.Codec}")
            .AddColumn("Copy").AddColumn(new TableColumn("Time").RightAligned()).AddColumn(new TableColumn("WAN bytes").RightAligned())
            .AddColumn(new TableColumn("Read from disk").RightAligned()).AddColumn(new TableColumn("From basis").RightAligned()).AddColumn("Check");
        table.AddRow(r.Native.Measured ? "native, without WanAccel" : "native, computed", Seconds(r.Native.Seconds), r.Native.Measured ? WanReport.Bytes(r.InputBytes) : "-",
            WanReport.Bytes(r.InputBytes), "-", r.Native.Verified is null ? "-" : Verdict(r.Native.Verified.Value));
        Row(table, "wanaccel cp, cold", r.Cold);
        Row(table, "wanaccel cp, warm", r.Warm);
        if (r.Changed is not null)
        {
            Row(table, "wanaccel cp, changed version", r.Changed);
        }

        AnsiConsole.Write(table);
    }

    private static void Row(Table table, string label, CpRun run) =>
        table.AddRow(label, Seconds(run.Seconds), WanReport.Bytes(run.WanBytes), WanReport.Bytes(run.DiskBytesRead), WanReport.Bytes(run.BasisBytes), Verdict(run.Verified));

    private static string Verdict(bool ok) => ok ? "[green]verified[/]" : "[red]MISMATCH[/]";

    private static string Seconds(double s) => string.Create(CultureInfo.InvariantCulture, $"{s:0.0} s");
}
