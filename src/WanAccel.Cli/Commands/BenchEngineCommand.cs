using System.CommandLine;

namespace WanAccel.Cli.Commands;

/// <summary><c>wanaccel bench engine</c>: cold and warm encode+decode of one file through the data-reduction engine.</summary>
internal static class BenchEngineCommand
{
    public static Command Create()
    {
        var command = new Command("engine", "Encode and decode a file cold (empty store) then warm, verify, and report throughput and reduction");
        command.SetAction(_ => 0);
        return command;
    }
}
