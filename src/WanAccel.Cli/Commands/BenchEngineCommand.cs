using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using WanAccel.Cli.Bench;

namespace WanAccel.Cli.Commands;

/// <summary><c>wanaccel bench engine</c>: cold and warm encode+decode of one file through the data-reduction engine.</summary>
internal static class BenchEngineCommand
{
    public static Command Create()
    {
        var input = new Option<FileInfo?>("--input") { Description = "File to encode (default: a generated disk-like sample)" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table" };
        var config = new Option<FileInfo?>("--config") { Description = "Read engine settings from the Engine section of this JSON file (see config/engine.json); flags override it" };
        var avgChunk = new Option<int?>("--avg-chunk") { Description = "Average chunk size in bytes, a power of two (min = avg/4, max = avg*8); default 8192" };
        var codec = new Option<string?>("--codec") { Description = "Literal codec: lz4 (default), zstd, zstd:N (1-22) or none" };
        var sampleSize = new Option<long>("--sample-size") { Description = "Size of the generated sample in bytes when no --input is given", DefaultValueFactory = _ => 512L << 20 };
        var storeCapacity = new Option<long>("--store-capacity") { Description = "Capacity of the temporary chunk store in bytes (default: twice the input, at least 1 GiB)" };
        var workDir = new Option<DirectoryInfo?>("--work-dir") { Description = "Directory for the temporary chunk store and decoded output (default: the temp directory; a tmpfs such as /dev/shm measures the engine, not the disk)" };
        var threads = new Option<int>("--threads") { Description = "Threads for hashing and compression (default: all cores)", DefaultValueFactory = _ => Environment.ProcessorCount };

        var command = new Command("engine", "Encode and decode a file cold (empty store) then warm, verify, and report throughput and reduction")
        {
            input, json, config, avgChunk, codec, sampleSize, storeCapacity, workDir, threads,
        };
        command.SetAction(parse =>
        {
            var settings = EngineSettings.Load(parse.GetValue(config)?.FullName);
            if (parse.GetValue(avgChunk) is int avg)
            {
                settings = settings with
                {
                    Chunking = settings.Chunking with { AverageSize = avg, MinSize = avg / 4, MaxSize = Math.Min(avg * 8, WanAccel.Core.ChunkLimits.MaxChunkSize) },
                };
            }

            if (parse.GetValue(codec) is string codecText)
            {
                settings = settings with { Codec = codecText };
            }

            var (options, errors) = settings.ToOptions(Math.Max(1, parse.GetValue(threads)));
            if (options is null)
            {
                foreach (var e in errors)
                {
                    Console.Error.WriteLine($"wanaccel: {e}");
                }

                return 2;
            }

            var quiet = parse.GetValue(json);
            string? sample = null;
            var path = parse.GetValue(input)?.FullName;
            if (path is null)
            {
                sample = Path.Combine(Path.GetTempPath(), $"wanaccel-sample-{Environment.ProcessId}.img");
                if (!quiet)
                {
                    AnsiConsole.MarkupLine($"[grey]generating a {parse.GetValue(sampleSize) >> 20} MiB disk-like sample at {sample}[/]");
                }

                SampleImage.Generate(sample, parse.GetValue(sampleSize));
                path = sample;
            }
            else if (!File.Exists(path))
            {
                Console.Error.WriteLine($"wanaccel: {path}: no such file");
                return 1;
            }

            try
            {
                var size = new FileInfo(path).Length;
                var capacity = parse.GetValue(storeCapacity);
                var bench = new EngineBench(path, options, capacity > 0 ? capacity : Math.Max(2 * size, 1L << 30), parse.GetValue(workDir)?.FullName ?? Path.GetTempPath());
                var result = bench.Run(quiet ? null : step => AnsiConsole.MarkupLine($"[grey]{step}...[/]"));
                if (quiet)
                {
                    Console.WriteLine(JsonSerializer.Serialize(result, CliJsonContext.Default.EngineBenchResult));
                }
                else
                {
                    Print(result);
                }

                return result.Cold.Verified && result.Warm.Verified ? 0 : 3;
            }
            finally
            {
                if (sample is not null)
                {
                    File.Delete(sample);
                }
            }
        });
        return command;
    }

    private static void Print(EngineBenchResult r)
    {
        var table = new Table().Title($"wanaccel bench engine: {Markup.Escape(r.Input)} ({r.InputBytes / 1e6:F1} MB, {r.Codec}, {r.AverageChunkBytes / 1024} KiB chunks, {r.Threads} threads)");
        table.AddColumn("");
        table.AddColumn(new TableColumn("cold").RightAligned());
        table.AddColumn(new TableColumn("warm").RightAligned());
        Row(table, "wire bytes", r.Cold.WireBytes.ToString("N0", CultureInfo.InvariantCulture), r.Warm.WireBytes.ToString("N0", CultureInfo.InvariantCulture));
        Row(table, "reduction", $"{r.Cold.Reduction:F2}x", $"{r.Warm.Reduction:F2}x");
        Row(table, "encode MB/s", $"{r.Cold.EncodeMBps:F0}", $"{r.Warm.EncodeMBps:F0}");
        Row(table, "decode MB/s", $"{r.Cold.DecodeMBps:F0}", $"{r.Warm.DecodeMBps:F0}");
        Row(table, "chunks", $"{r.Cold.Chunks:N0}", $"{r.Warm.Chunks:N0}");
        Row(table, "zero bytes", $"{r.Cold.ZeroBytes:N0}", $"{r.Warm.ZeroBytes:N0}");
        Row(table, "literal bytes", $"{r.Cold.LiteralBytes:N0}", $"{r.Warm.LiteralBytes:N0}");
        Row(table, "referenced bytes", $"{r.Cold.ReferencedBytes:N0}", $"{r.Warm.ReferencedBytes:N0}");
        Row(table, "verified (SHA-256)", r.Cold.Verified ? "[green]yes[/]" : "[red]NO[/]", r.Warm.Verified ? "[green]yes[/]" : "[red]NO[/]");
        AnsiConsole.Write(table);
    }

    private static void Row(Table table, string name, string cold, string warm) => table.AddRow(name, cold, warm);
}
