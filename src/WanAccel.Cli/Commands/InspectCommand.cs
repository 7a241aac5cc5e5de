using System.CommandLine;
using Spectre.Console;
using WanAccel.Images;
using WanAccel.Images.Containers;
using WanAccel.Images.Regions;

namespace WanAccel.Cli.Commands;

/// <summary><c>wanaccel inspect IMAGE [--json]</c>: format, chain, partitions, guest file systems and bytes to transfer per policy.</summary>
internal static class InspectCommand
{
    public static Command Create()
    {
        var image = new Argument<string>("image") { Description = "VM disk image (raw, vhd, vhdx, vmdk, vdi, qcow2; detected by content)" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of tables" };
        var command = new Command("inspect", "Show an image's format, partitions, guest file systems and bytes to transfer") { image, json };
        command.SetAction(parseResult => Run(parseResult.GetValue(image)!, parseResult.GetValue(json)));
        return command;
    }

    private static int Run(string path, bool json)
    {
        ImageReport report;
        try
        {
            using var disk = DiskImage.Open(path);
            report = ImageReport.Create(disk);
        }
        catch (ImageFormatException ex)
        {
            Console.Error.WriteLine($"wanaccel inspect: {path}: {ex.Error}: {ex.Message}");
            return 1;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"wanaccel inspect: {path}: {ex.Message}");
            return 1;
        }

        // A damaged guest file system does not fail the inspection (a copy still works, sending those bytes); say so on stderr.
        foreach (var p in report.Partitions.Where(p => p.Error is not null))
        {
            Console.Error.WriteLine($"wanaccel inspect: {path}: partition {p.Index}: file system unreadable: {p.Error}");
        }

        if (json)
        {
            Console.Out.WriteLine(report.ToJson());
        }
        else
        {
            Print(report);
        }

        return 0;
    }

    private static void Print(ImageReport r)
    {
        var format = r.Subformat.Length > 0 ? $"{r.Format} ({r.Subformat})" : r.Format;
        AnsiConsole.MarkupLineInterpolated($"[bold]Format[/]          {format}");
        AnsiConsole.MarkupLineInterpolated($"[bold]Virtual size[/]    {Bytes(r.VirtualSize)}");
        AnsiConsole.MarkupLineInterpolated($"[bold]File size[/]       {Bytes(r.FileSize)}");
        AnsiConsole.MarkupLineInterpolated($"[bold]Allocated[/]       {Bytes(r.AllocatedBytes)}");
        AnsiConsole.MarkupLineInterpolated($"[bold]Chain[/]           {string.Join(" -> ", r.Chain)}");
        AnsiConsole.MarkupLineInterpolated($"[bold]Partitioning[/]    {r.PartitionScheme}");

        var table = new Table().AddColumns("#", "Offset", "Size", "Type", "File system", "Cluster", "Used", "Free");
        foreach (var p in r.Partitions)
        {
            table.AddRow(
                p.Index.ToString(),
                p.Offset.ToString(),
                Short(p.Size),
                Markup.Escape(p.Type),
                Markup.Escape(p.FileSystem ?? (p.Error is null ? "-" : "error: " + p.Error)),
                p.ClusterSize?.ToString() ?? "-",
                p.UsedBytes is { } u ? Short(u) : "-",
                p.FreeBytes is { } f ? Short(f) : "-");
        }

        AnsiConsole.Write(table);
        var g = r.Regions;
        AnsiConsole.MarkupLineInterpolated($"[bold]Regions[/]         unallocated {Short(g.ContainerUnallocated)}, zero {Short(g.Zero)}, guest-used {Short(g.GuestUsed)}, guest-free {Short(g.GuestFree)}, other {Short(g.Other)}");
        AnsiConsole.MarkupLineInterpolated($"[bold]Transfer exact[/]          {Bytes(r.TransferBytes.Exact)}");
        AnsiConsole.MarkupLineInterpolated($"[bold]Transfer skipGuestFree[/]  {Bytes(r.TransferBytes.SkipGuestFree)}");
    }

    private static string Short(long n) => n < 1024 ? $"{n} B" : n < 1 << 20 ? $"{n / 1024.0:0.0} KiB" : n < 1L << 30 ? $"{n / 1048576.0:0.0} MiB" : $"{n / 1073741824.0:0.00} GiB";

    private static string Bytes(long n) => n < 1024 ? $"{n} B" : $"{n} B ({n / 1048576.0:0.0} MiB)";
}
