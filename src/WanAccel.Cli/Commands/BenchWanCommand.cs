using System.CommandLine;
using WanAccel.Cli.Wan;

namespace WanAccel.Cli.Commands;

/// <summary>
/// <c>wanaccel bench wan --input FILE [--protocol tcp|http|smb|nfs] [--no-read-ahead] --rate R --rtt T [--window W] [--native measure|compute] [--json]</c>:
/// one run on loopback through a temporary pair and the WAN emulator: native copy, then WanAccel cold, then warm.
/// </summary>
internal static class BenchWanCommand
{
    public static Command Create()
    {
        var input = new Option<FileInfo>("--input") { Description = "File to copy (a VM disk image, for instance)", Required = true };
        var protocol = new Option<WanProtocol>("--protocol")
        {
            Description = "Who copies: tcp (a plain file server and client through a forward rule), http (curl and nginx through the edge's HTTP proxy), smb (smbclient and smbd), nfs (nfs-cp and nfs-ganesha, NFSv3)",
            DefaultValueFactory = _ => WanProtocol.Tcp,
        };
        var noReadAhead = new Option<bool>("--no-read-ahead") { Description = "nfs: carry READs one by one as the client sends them (both appliances' Nfs:ReadAhead off)" };
        var options = new WanRunOptions();
        var command = new Command("wan", "Copy a file over the emulated WAN without and with WanAccel (cold, then warm cache) and compare") { input, protocol, noReadAhead };
        options.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var file = parse.GetValue(input)!;
            var (link, errors) = options.Parse(parse);
            if (!file.Exists)
            {
                errors.Add($"input: {file.FullName} does not exist");
            }

            return link is null || errors.Count > 0
                ? await WanRun.FailAsync(errors).ConfigureAwait(false)
                : await WanRun.RunAsync(file.FullName, link, options, parse, cancellationToken, protocol: parse.GetValue(protocol), readAhead: !parse.GetValue(noReadAhead)).ConfigureAwait(false);
        });
        return command;
    }
}
