using System.Collections.Concurrent;
using WanAccel.Core.Compression;

namespace WanAccel.Core.Codec;

/// <summary>Compressors for the threads of one encoder (zstd contexts are single-threaded and costly to create).</summary>
internal sealed class CompressorPool : IDisposable
{
    private readonly CodecSpec _spec;
    private readonly ConcurrentBag<LiteralCompressor> _idle = [];

    public CompressorPool(CodecSpec spec) => _spec = spec;

    /// <summary>A compressor, or null when the codec is <see cref="CodecKind.None"/>.</summary>
    public LiteralCompressor? Rent() => _idle.TryTake(out var c) ? c : _spec.CreateCompressor();

    public void Return(LiteralCompressor? compressor)
    {
        if (compressor is not null)
        {
            _idle.Add(compressor);
        }
    }

    public void Dispose()
    {
        while (_idle.TryTake(out var c))
        {
            c.Dispose();
        }
    }
}
