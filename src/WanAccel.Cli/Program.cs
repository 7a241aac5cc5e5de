using System.CommandLine;
using WanAccel.Cli.Commands;

namespace WanAccel.Cli;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var root = new RootCommand("WanAccel: WAN optimization for VM disk images and file traffic")
        {
            BenchCommand.Create(),
            InspectCommand.Create(),
            WanEmulatorCommand.Create(),
            PairCommand.Create(),
            ServeCommand.Create(),
            DemoCommand.Create(),
            CpCommand.Create(),
        };
        return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
    }
}
