using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using WanAccel.Appliance.FileTransfer.Protocol;
using WanAccel.Cli.Bench;
using WanAccel.Cli.Wan;

namespace WanAccel.Cli.Commands;

/// <summary>
/// <c>wanaccel bench cp --input V1 [--then V2] [--policy exact|skip-guest-free] --rate R --rtt T [--native measure|compute] [--json]</c>:
/// native copy of V1, then <c>wanaccel cp</c> of V1 cold, V1 warm and V2 over V1's copy, through a temporary pair and the WAN emulator.
/// </summary>
internal static class BenchCpCommand
{
    public static Command Create()
    {
        var input = new Option<FileInfo>("--input") { Description = "The file to copy (a VM disk image, for instance)", Required = true };
        var then = new Option<FileInfo?>("--then") { Description = "A changed version of it, copied last over the first one's copy" };
        var policy = new Option<string>("--policy") { Description = "exact or skip-guest-free", DefaultValueFactory = _ => "exact" };
        var options = new WanRunOptions();
        var command = new Command("cp", "wanaccel cp over the emulated WAN: native, cold, warm and a changed version") { input, then, policy };
        options.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var (link, errors) = options.Parse(parse);
            var v1 = parse.GetValue(input)!;
            var v2 = parse.GetValue(then);
            foreach (var file in new[] { v1, v2 }.OfType<FileInfo>().Where(f => !f.Exists))
            {
                errors.Add($"{file.FullName} does not exist");
            }

            var sendPolicy = parse.GetValue(policy) switch { "exact" => SendPolicy.Exact, "skip-guest-free" => SendPolicy.SkipGuestFree, _ => (SendPolicy?)null };
            if (sendPolicy is null)
            {
                errors.Add($"--policy must be exact or skip-guest-free (is '{parse.GetValue(policy)}')");
            }

            if (link is null || errors.Count > 0)
            {
                return await WanRun.FailAsync(errors).ConfigureAwait(false);
            }

            var json = parse.GetValue(options.Json);
            using var loggerFactory = parse.GetValue(options.Verbose)
                ? LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information))
                : NullLoggerFactory.Instance;
            var codec = parse.GetValue(options.Codec)!;
            var measure = parse.GetValue(options.Native) == "measure";
            var workDir = parse.GetValue(options.WorkDir)?.FullName;
            CpBenchResult result = null!;
            if (json)
            {
                result = await CpBench.RunAsync(v1.FullName, v2?.FullName, sendPolicy!.Value, link, codec, measure, workDir, new WanRun.SilentProgress(), loggerFactory, cancellationToken).ConfigureAwait(false);
                Console.WriteLine(JsonSerializer.Serialize(result, CliJsonContext.Default.CpBenchResult));
            }
            else
            {
                await SpectreProgress.Create().StartAsync(async context =>
                    result = await CpBench.RunAsync(v1.FullName, v2?.FullName, sendPolicy!.Value, link, codec, measure, workDir, new SpectreProgress(context), loggerFactory, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
                CpBenchReport.Print(result);
            }

            if (!result.Verified)
            {
                await Console.Error.WriteLineAsync("wanaccel: a copy did not verify").ConfigureAwait(false);
                return 1;
            }

            return 0;
        });
        return command;
    }
}
