using System.CommandLine;
using Spectre.Console;
using WanAccel.Cli.Wan;

namespace WanAccel.Cli.Commands;

/// <summary>
/// <c>wanaccel demo</c>: the whole product on one machine. An origin file server, a core appliance, the WAN emulator
/// (10 Mbit/s, 140 ms by default) and an edge appliance on loopback; a VM disk image copied without WanAccel, then
/// through the pair twice (cold, warm), each verified by SHA-256; a table of the results.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var image = new Option<FileInfo?>("--image") { Description = "VM disk image to copy (default: an ext4 image built from this machine's files)" };
        var size = new Option<int>("--size-mib") { Description = "Size of the built image in MiB", DefaultValueFactory = _ => 64 };
        var quick = new Option<bool>("--quick") { Description = "Compute the native time from the rate instead of measuring it (same as --native compute)" };
        var options = new WanRunOptions();
        var command = new Command("demo", "Run WanAccel end to end on loopback: native vs accelerated copy of a VM disk image over an emulated WAN") { image, size, quick };
        options.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var (link, errors) = options.Parse(parse);
            var given = parse.GetValue(image);
            if (given is { Exists: false })
            {
                errors.Add($"image: {given.FullName} does not exist");
            }

            if (parse.GetValue(size) is < 16 or > 65536)
            {
                errors.Add($"size-mib: must be 16 to 65536, got {parse.GetValue(size)}");
            }

            if (link is null || errors.Count > 0)
            {
                return await WanRun.FailAsync(errors).ConfigureAwait(false);
            }

            var json = parse.GetValue(options.Json);
            var scratch = Directory.CreateTempSubdirectory("wanaccel-demo-");
            try
            {
                var input = given?.FullName ?? DemoImage.Build(scratch.FullName, (long)parse.GetValue(size) << 20, m => Say(json, m));
                Say(json, $"origin server, core appliance, WAN emulator ({parse.GetValue(options.Rate)}, RTT {parse.GetValue(options.Rtt)}) and edge appliance on loopback");
                return await WanRun.RunAsync(input, link, options, parse, cancellationToken, computeNative: parse.GetValue(quick)).ConfigureAwait(false);
            }
            finally
            {
                scratch.Delete(recursive: true);
            }
        });
        return command;
    }

    private static void Say(bool json, string message)
    {
        if (!json)
        {
            AnsiConsole.MarkupLine($"[grey]{Markup.Escape(message)}[/]");
        }
    }
}
