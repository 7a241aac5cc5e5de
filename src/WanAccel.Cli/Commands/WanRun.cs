using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Spectre.Console;
using WanAccel.Appliance.WanEmulation;
using WanAccel.Cli.Bench;
using WanAccel.Cli.Wan;

namespace WanAccel.Cli.Commands;

/// <summary>Runs <see cref="WanBench"/> for a command: progress bars or JSON, then the table.</summary>
internal static class WanRun
{
    public static async Task<int> RunAsync(
        string input, WanEmulatorOptions link, WanRunOptions options, ParseResult parse, CancellationToken cancellationToken, bool computeNative = false, WanProtocol protocol = WanProtocol.Tcp, bool readAhead = true)
    {
        var json = parse.GetValue(options.Json);
        using var loggerFactory = parse.GetValue(options.Verbose)
            ? LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information))
            : NullLoggerFactory.Instance;
        var codec = parse.GetValue(options.Codec)!;
        var measure = !computeNative && parse.GetValue(options.Native) == "measure";
        var workDir = parse.GetValue(options.WorkDir)?.FullName;
        WanBenchResult result;
        if (json)
        {
            result = await WanBench.RunAsync(input, protocol, link, codec, measure, workDir, new SilentProgress(), loggerFactory, cancellationToken, readAhead).ConfigureAwait(false);
            Console.WriteLine(JsonSerializer.Serialize(result, CliJsonContext.Default.WanBenchResult));
        }
        else
        {
            result = null!;
            await SpectreProgress.Create().StartAsync(async context =>
                result = await WanBench.RunAsync(input, protocol, link, codec, measure, workDir, new SpectreProgress(context), loggerFactory, cancellationToken, readAhead).ConfigureAwait(false)).ConfigureAwait(false);
            WanReport.Print(result);
        }

        if (!result.Verified)
        {
            await Console.Error.WriteLineAsync("wanaccel: a copy did not deliver the exact bytes of the input").ConfigureAwait(false);
            return 1;
        }

        return 0;
    }

    public static async Task<int> FailAsync(IEnumerable<string> errors)
    {
        foreach (var e in errors)
        {
            await Console.Error.WriteLineAsync($"wanaccel: {e}").ConfigureAwait(false);
        }

        return 2;
    }

    internal sealed class SilentProgress : WanBench.IProgress
    {
        public void Start(string phase, long totalBytes)
        {
        }

        public void Advance(long bytes)
        {
        }

        public void Done(string phase, double seconds)
        {
        }
    }
}
