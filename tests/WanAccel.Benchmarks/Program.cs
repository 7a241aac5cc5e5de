using BenchmarkDotNet.Running;

namespace WanAccel.Benchmarks;

/// <summary>Entry point: <c>dotnet run -c Release --project tests/WanAccel.Benchmarks -- --filter '*'</c>.</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
