using System.Text.Json.Serialization;

namespace WanAccel.Cli.Bench;

/// <summary>Source-generated JSON for the command outputs (camelCase, indented).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(EngineBenchResult))]
[JsonSerializable(typeof(Wan.WanBenchResult))]
[JsonSerializable(typeof(Copy.CopySummary))]
[JsonSerializable(typeof(CpBenchResult))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
