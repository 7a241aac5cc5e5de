using BenchmarkDotNet.Running;

namespace WanAccel.Benchmarks;

/// <summary>
/// Entry point: <c>dotnet run -c Release --project tests/WanAccel.Benchmarks -- --filter '*'</c>; the load scenario
/// <c>-- flows [--count 1000] [--bytes 65536]</c> (<see cref="Hosting.ConcurrentFlowLoad"/>).
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "flows")
        {
            return await Hosting.ConcurrentFlowLoad.RunAsync(args).ConfigureAwait(false);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
