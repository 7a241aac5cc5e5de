using Microsoft.Extensions.Configuration;
using WanAccel.Core.Chunking;
using WanAccel.Core.Codec;
using WanAccel.Core.Compression;

namespace WanAccel.Cli.Bench;

/// <summary>The <c>Engine</c> section of a configuration file (see config/engine.json), bound onto encoder options.</summary>
internal sealed record EngineSettings
{
    public ChunkerOptions Chunking { get; init; } = new();

    public string Codec { get; init; } = "lz4";

    public int LiteralBatchBytes { get; init; } = new StreamEncoderOptions().LiteralBatchBytes;

    public bool UseManifests { get; init; } = true;

    public int ManifestBoundaryBits { get; init; } = new StreamEncoderOptions().ManifestBoundaryBits;

    public long WindowBytes { get; init; } = new StreamEncoderOptions().WindowBytes;

    /// <summary>Reads the <c>Engine</c> section of <paramref name="path"/>; defaults when <paramref name="path"/> is null.</summary>
    public static EngineSettings Load(string? path) => path is null
        ? new EngineSettings()
        : new ConfigurationBuilder().AddJsonFile(Path.GetFullPath(path), optional: false).Build().GetSection("Engine").Get<EngineSettings>() ?? new EngineSettings();

    /// <summary>Encoder options, or every error found.</summary>
    public (StreamEncoderOptions? Options, IReadOnlyList<string> Errors) ToOptions(int parallelism)
    {
        if (!CodecSpec.TryParse(Codec, out var codec))
        {
            return (null, [$"Codec '{Codec}' is not one of lz4, zstd, zstd:N (N in 1..22), none"]);
        }

        var options = new StreamEncoderOptions
        {
            Chunking = Chunking,
            Codec = codec,
            LiteralBatchBytes = LiteralBatchBytes,
            UseManifests = UseManifests,
            ManifestBoundaryBits = ManifestBoundaryBits,
            WindowBytes = WindowBytes,
            Parallelism = parallelism,
        };
        var errors = options.Validate();
        return (errors.Count == 0 ? options : null, errors);
    }
}
