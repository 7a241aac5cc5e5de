using System.Buffers;

namespace WanAccel.Core.Codec;

/// <summary>
/// Output decoded behind a missing range, kept until the range is resent: a list of pooled 1 MiB blocks addressed by
/// stream offset. Holes are kept as zero-filled space that Resend frames overwrite.
/// </summary>
internal sealed class PendingOutput : IDisposable
{
    private const int BlockShift = 20;
    private const int BlockSize = 1 << BlockShift;
    private readonly List<byte[]> _blocks = [];

    /// <summary>Stream offset of the first pending byte.</summary>
    public long Start { get; private set; }

    /// <summary>Stream offset just past the last pending byte.</summary>
    public long End { get; private set; }

    public long Length => End - Start;

    public void Reset(long start)
    {
        ReturnBlocks();
        Start = End = start;
        _base = start & ~(long)(BlockSize - 1);
    }

    /// <summary>Appends bytes at <see cref="End"/>.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        Write(End, data);
    }

    /// <summary>Appends zeros (also used to reserve a hole).</summary>
    public void AppendZeros(long count)
    {
        EnsureCapacity(End + count);
        var pos = End;
        while (count > 0)
        {
            var (block, offset) = Locate(pos);
            var n = (int)Math.Min(count, BlockSize - offset);
            block.AsSpan(offset, n).Clear();
            pos += n;
            count -= n;
        }

        End = pos;
    }

    /// <summary>Writes at a stream offset within [Start, End] (End extends).</summary>
    public void Write(long position, ReadOnlySpan<byte> data)
    {
        EnsureCapacity(position + data.Length);
        while (!data.IsEmpty)
        {
            var (block, offset) = Locate(position);
            var n = Math.Min(data.Length, BlockSize - offset);
            data[..n].CopyTo(block.AsSpan(offset));
            data = data[n..];
            position += n;
        }

        End = Math.Max(End, position);
    }

    /// <summary>Hands [Start, <paramref name="upTo"/>) to <paramref name="sink"/> in order and drops it.</summary>
    public void Drain(long upTo, Action<ReadOnlySpan<byte>> sink)
    {
        while (Start < upTo)
        {
            var (block, offset) = Locate(Start);
            var n = (int)Math.Min(upTo - Start, BlockSize - offset);
            sink(block.AsSpan(offset, n));
            Start += n;
            if (offset + n == BlockSize)
            {
                ArrayPool<byte>.Shared.Return(_blocks[0]);
                _blocks.RemoveAt(0);
                _base += BlockSize;
            }
        }
    }

    public void Dispose() => ReturnBlocks();

    // Stream offset of _blocks[0][0].
    private long _base;

    private (byte[] Block, int Offset) Locate(long position)
    {
        var relative = position - _base;
        return (_blocks[(int)(relative >> BlockShift)], (int)(relative & (BlockSize - 1)));
    }

    private void EnsureCapacity(long end)
    {
        while (_base + ((long)_blocks.Count << BlockShift) < end)
        {
            _blocks.Add(ArrayPool<byte>.Shared.Rent(BlockSize));
        }
    }

    private void ReturnBlocks()
    {
        foreach (var b in _blocks)
        {
            ArrayPool<byte>.Shared.Return(b);
        }

        _blocks.Clear();
    }
}
