using System.Diagnostics;

namespace WanAccel.Appliance.Tests.FileTransfer;

/// <summary>Runs a real tool (qemu-img, mkfs.ext4, debugfs, e2fsck, stat) to completion, at most 60 s; throws with its stderr on failure.</summary>
internal static class Tool
{
    public static string Run(string program, IEnumerable<string> arguments, bool check = true) => Run(program, arguments, out _, check);

    public static string Run(string program, IEnumerable<string> arguments, out int exitCode, bool check = true)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} ran for more than 60 s");
        }

        exitCode = process.ExitCode;
        if (check && exitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', start.ArgumentList)} exited {exitCode}: {error.Result}");
        }

        return output.Result.Trim();
    }
}
