using System.Collections.Concurrent;
using WanAccel.Core.Compression;

namespace WanAccel.Core.Codec;

/// <summary>
/// Compressors for the threads of one encoder (zstd contexts are single-threaded and costly to create), all of the
/// current <see cref="Spec"/>; a switch drops the idle ones of the old codec (a zstd:15 context holds tens of MB).
/// </summary>
internal sealed class CompressorPool : IDisposable
{
    private readonly ConcurrentBag<LiteralCompressor> _idle = [];
    private CodecSpec _spec;

    public CompressorPool(CodecSpec spec) => _spec = spec;

    /// <summary>The codec rented from now on. Change it only while no compressor is rented.</summary>
    public CodecSpec Spec
    {
        get => _spec;
        set
        {
            if (value != _spec)
            {
                _spec = value;
                DisposeIdle();
            }
        }
    }

    /// <summary>A compressor, or null when the codec is <see cref="CodecKind.None"/>.</summary>
    public LiteralCompressor? Rent() => _idle.TryTake(out var c) ? c : _spec.CreateCompressor();

    /// <summary>Keeps <paramref name="compressor"/> for reuse if it is of the current codec, else disposes it.</summary>
    public void Return(LiteralCompressor? compressor)
    {
        if (compressor is null)
        {
            return;
        }

        if (IsOf(compressor, _spec))
        {
            _idle.Add(compressor);
        }
        else
        {
            compressor.Dispose();
        }
    }

    public void Dispose() => DisposeIdle();

    private static bool IsOf(LiteralCompressor compressor, CodecSpec spec) =>
        compressor.Kind == spec.Kind && (compressor is not ZstdCompressor zstd || zstd.Level == spec.Level);

    private void DisposeIdle()
    {
        while (_idle.TryTake(out var c))
        {
            c.Dispose();
        }
    }
}
