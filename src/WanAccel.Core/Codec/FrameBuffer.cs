using System.Buffers;
using WanAccel.Core.Wire;

namespace WanAccel.Core.Codec;

/// <summary>
/// An in-memory frame stream in large blocks, where no frame straddles two blocks (each frame is written with one
/// <see cref="GetSpan"/>), so a decoder can consume it block by block. Used by local transfers and benchmarks.
/// </summary>
public sealed class FrameBuffer : IBufferWriter<byte>
{
    private readonly int _blockSize;
    private readonly List<(byte[] Block, int Length)> _blocks = [];
    private byte[]? _current;
    private int _written;

    public FrameBuffer(int blockSize = 16 << 20)
    {
        _blockSize = Math.Max(blockSize, WireLimits.MaxFrame);
    }

    /// <summary>Total bytes written.</summary>
    public long Length { get; private set; }

    public void Advance(int count)
    {
        _written += count;
        Length += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        if (_current is null || _current.Length - _written < Math.Max(sizeHint, 1))
        {
            Seal();
            _current = GC.AllocateUninitializedArray<byte>(Math.Max(_blockSize, sizeHint));
            _written = 0;
        }

        return _current.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

    /// <summary>The blocks written so far, in order; each holds whole frames only.</summary>
    public IEnumerable<ReadOnlyMemory<byte>> Blocks
    {
        get
        {
            foreach (var (block, length) in _blocks)
            {
                yield return block.AsMemory(0, length);
            }

            if (_current is not null && _written > 0)
            {
                yield return _current.AsMemory(0, _written);
            }
        }
    }

    /// <summary>Forgets everything written (blocks are dropped, not reused).</summary>
    public void Clear()
    {
        _blocks.Clear();
        _current = null;
        _written = 0;
        Length = 0;
    }

    private void Seal()
    {
        if (_current is not null && _written > 0)
        {
            _blocks.Add((_current, _written));
        }
    }
}
