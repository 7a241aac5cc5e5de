using System.CommandLine;
using System.Net;
using System.Text.Json;
using WanAccel.Appliance.FileTransfer;
using WanAccel.Appliance.FileTransfer.Protocol;
using WanAccel.Cli.Bench;
using WanAccel.Cli.Copy;

namespace WanAccel.Cli.Commands;

/// <summary>
/// <c>wanaccel cp [-r] [-p] [-q] [--policy exact|skip-guest-free] [--appliance HOST:PORT] [--no-resume] [--json] SRC... DST</c>:
/// scp-like push or pull through the local appliance to a peer's exports. Exit 0 when every file arrived verified, else 1
/// with one line per failure on stderr.
/// </summary>
internal static class CpCommand
{
    public const string DefaultAppliance = "127.0.0.1:7471";

    public static Command Create()
    {
        var operands = new Argument<string[]>("operands") { Description = "SRC... DST: local paths, or peer:/EXPORT/path (peer = a configured peer name or host:port)", Arity = new ArgumentArity(2, 1000) };
        var recursive = new Option<bool>("-r", "--recursive") { Description = "Copy directories recursively" };
        var preserve = new Option<bool>("-p", "--preserve") { Description = "Keep modification times and modes" };
        var quiet = new Option<bool>("-q", "--quiet") { Description = "No progress and no report (errors still go to stderr)" };
        var policy = new Option<string>("--policy") { Description = "exact (byte-identical) or skip-guest-free (blocks the guest file system marks free arrive as zeros)", DefaultValueFactory = _ => "exact" };
        var appliance = new Option<string>("--appliance") { Description = $"The local appliance's FileTransfer.Listen address (default $WANACCEL_APPLIANCE or {DefaultAppliance})" };
        var noResume = new Option<bool>("--no-resume") { Description = "Start over instead of resuming an interrupted copy's partial file" };
        var resume = new Option<bool>("--resume") { Description = "Resume an interrupted copy (the default)" };
        var json = new Option<bool>("--json") { Description = "Print one JSON summary (no progress)" };
        var command = new Command("cp", "Copy files and VM images to or from a peer's exports through the appliance pair (like scp)")
        {
            operands, recursive, preserve, quiet, policy, appliance, noResume, resume, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var args = parse.GetValue(operands)!;
            var sendPolicy = parse.GetValue(policy) switch
            {
                "exact" => SendPolicy.Exact,
                "skip-guest-free" => SendPolicy.SkipGuestFree,
                var other => (SendPolicy?)null,
            };
            var at = parse.GetValue(appliance) ?? Environment.GetEnvironmentVariable("WANACCEL_APPLIANCE") ?? DefaultAppliance;
            if (sendPolicy is null)
            {
                return await FailAsync($"--policy must be exact or skip-guest-free (is '{parse.GetValue(policy)}')").ConfigureAwait(false);
            }

            if (!IPEndPoint.TryParse(at, out var endPoint))
            {
                return await FailAsync($"--appliance must be an address and port such as {DefaultAppliance} (is '{at}')").ConfigureAwait(false);
            }

            var options = new TransferOptions { Policy = sendPolicy.Value, Preserve = parse.GetValue(preserve), Resume = !parse.GetValue(noResume) };
            return await RunAsync(args, endPoint, options, parse.GetValue(recursive), parse.GetValue(quiet), parse.GetValue(json), cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    public static async Task<int> RunAsync(string[] args, EndPoint appliance, TransferOptions options, bool recursive, bool quiet, bool json, CancellationToken cancellationToken)
    {
        var parsed = args.Select(CpOperand.Parse).ToList();
        var target = parsed[^1];
        var sources = parsed[..^1];
        var peers = parsed.Where(o => o.IsRemote).Select(o => o.Peer!).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (peers.Count != 1 || sources.Any(s => s.IsRemote == target.IsRemote))
        {
            return await FailAsync(peers.Count == 0
                ? "name a remote side as peer:/EXPORT/path (neither operand is remote)"
                : "copy either from local paths to one peer or from one peer to a local path").ConfigureAwait(false);
        }

        await using var session = new CopySession(appliance, peers[0], options);
        CopySummary summary;
        var failures = new List<CopyFailure>();
        try
        {
            var jobs = target.IsRemote
                ? await CopyPlanner.PushJobsAsync([.. sources.Select(s => s.Path)], target.Path, recursive, session, failures, cancellationToken).ConfigureAwait(false)
                : await CopyPlanner.PullJobsAsync([.. sources.Select(s => s.Path)], target.Path, recursive, session, cancellationToken).ConfigureAwait(false);
            if (quiet || json)
            {
                summary = await session.RunAsync(jobs, new SilentCopyProgress(), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                summary = null!;
                await SpectreCopyProgress.Create().StartAsync(async context =>
                    summary = await session.RunAsync(jobs, new SpectreCopyProgress(context), cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
            }

            await session.CloseAsync(cancellationToken).ConfigureAwait(false);
            summary = summary with { Errors = [.. failures, .. summary.Errors] };
        }
        catch (FileTransferException e)
        {
            return await FailAsync(e.Message).ConfigureAwait(false);
        }

        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(summary, CliJsonContext.Default.CopySummary));
        }
        else if (!quiet)
        {
            foreach (var file in summary.Files)
            {
                Console.WriteLine(CopyText.Line(file));
            }
        }

        foreach (var failure in summary.Errors)
        {
            await Console.Error.WriteLineAsync($"wanaccel: {failure.Message}").ConfigureAwait(false);
        }

        return summary.Ok ? 0 : 1;
    }

    private static async Task<int> FailAsync(string message)
    {
        await Console.Error.WriteLineAsync($"wanaccel: {message}").ConfigureAwait(false);
        return 1;
    }
}
