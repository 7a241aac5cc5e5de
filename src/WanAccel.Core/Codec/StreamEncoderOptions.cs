using WanAccel.Core.Chunking;
using WanAccel.Core.Compression;
using WanAccel.Core.Wire;

namespace WanAccel.Core.Codec;

/// <summary>Options of a <see cref="StreamEncoder"/>.</summary>
public sealed record StreamEncoderOptions
{
    /// <summary>Content-defined chunking parameters (default 2/8/64 KiB, zero runs from 4 KiB).</summary>
    public ChunkerOptions Chunking { get; init; } = new();

    /// <summary>Codec for literals (default LZ4).</summary>
    public CodecSpec Codec { get; init; } = CodecSpec.Lz4;

    /// <summary>Most raw bytes compressed together in one Literals frame (default 1 MiB): a 64 KiB LZ4 window fits many times.</summary>
    public int LiteralBatchBytes { get; init; } = 1 << 20;

    /// <summary>Group chunks into manifests so that known groups travel as one reference (default on).</summary>
    public bool UseManifests { get; init; } = true;

    /// <summary>A chunk whose id has this many low zero bits ends a manifest group (default 6: ~64 chunks, ~512 KiB).</summary>
    public int ManifestBoundaryBits { get; init; } = 6;

    /// <summary>Most chunks in a manifest group (default and maximum 256).</summary>
    public int MaxManifestChunks { get; init; } = WireLimits.MaxManifestChunks;

    /// <summary>Input bytes the sender may have in flight unacknowledged (default 64 MiB), announced to the decoder.</summary>
    public long WindowBytes { get; init; } = 64L << 20;

    /// <summary>Input processed per step (default 4 MiB): chunks of one step are hashed and compressed in parallel.</summary>
    public int BatchBytes { get; init; } = 4 << 20;

    /// <summary>Threads used for hashing and compression within a step (default: all cores).</summary>
    public int Parallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>Every problem with these options, empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>(Chunking.Validate());
        if (LiteralBatchBytes < Chunking.MaxSize || LiteralBatchBytes > WireLimits.MaxLiteralBatchBytes)
        {
            errors.Add($"LiteralBatchBytes must lie in [Chunking.MaxSize ({Chunking.MaxSize}), {WireLimits.MaxLiteralBatchBytes}]");
        }

        if (ManifestBoundaryBits is < 1 or > 16)
        {
            errors.Add("ManifestBoundaryBits must lie in [1, 16]");
        }

        if (MaxManifestChunks is < 2 or > WireLimits.MaxManifestChunks)
        {
            errors.Add($"MaxManifestChunks must lie in [2, {WireLimits.MaxManifestChunks}]");
        }

        if (WindowBytes < 1 << 20)
        {
            errors.Add("WindowBytes must be at least 1 MiB");
        }

        if (BatchBytes < Chunking.MaxSize)
        {
            errors.Add("BatchBytes must be at least Chunking.MaxSize");
        }

        if (Parallelism < 1)
        {
            errors.Add("Parallelism must be at least 1");
        }

        return errors;
    }
}
