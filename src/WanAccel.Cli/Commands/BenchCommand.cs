using System.CommandLine;

namespace WanAccel.Cli.Commands;

/// <summary><c>wanaccel bench ...</c>: measurement commands.</summary>
internal static class BenchCommand
{
    public static Command Create() => new("bench", "Measure WanAccel on your data")
    {
        BenchEngineCommand.Create(),
        BenchWanEmulatorCommand.Create(),
        BenchWanCommand.Create(),
        BenchCpCommand.Create(),
    };
}
