using System.Buffers;

namespace WanAccel.Appliance.Flows;

/// <summary>
/// The input an encoder sent but the far decoder has not acknowledged yet, kept so that misses can be answered with
/// the original bytes. Pooled 1 MiB blocks addressed by stream offset; <see cref="Release"/> drops acknowledged bytes.
/// Thread-safe: the upstream pump appends, the downstream pump releases and reads.
/// </summary>
internal sealed class RetainedInput : IDisposable
{
    private const int BlockShift = 20;
    private const int BlockSize = 1 << BlockShift;
    private readonly Lock _lock = new();
    private readonly List<byte[]> _blocks = [];
    private long _base;

    /// <summary>Offset of the first retained byte.</summary>
    public long Start { get; private set; }

    /// <summary>Offset just past the last retained byte (= input bytes taken so far).</summary>
    public long End { get; private set; }

    public long Length
    {
        get
        {
            lock (_lock)
            {
                return End - Start;
            }
        }
    }

    public void Append(ReadOnlySequence<byte> data)
    {
        lock (_lock)
        {
            foreach (var segment in data)
            {
                var span = segment.Span;
                while (!span.IsEmpty)
                {
                    var relative = End - _base;
                    var index = (int)(relative >> BlockShift);
                    if (index == _blocks.Count)
                    {
                        _blocks.Add(ArrayPool<byte>.Shared.Rent(BlockSize));
                    }

                    var offset = (int)(relative & (BlockSize - 1));
                    var n = Math.Min(span.Length, BlockSize - offset);
                    span[..n].CopyTo(_blocks[index].AsSpan(offset));
                    span = span[n..];
                    End += n;
                }
            }
        }
    }

    /// <summary>Drops everything before <paramref name="offset"/> (acknowledged by the decoder).</summary>
    public void Release(long offset)
    {
        lock (_lock)
        {
            Start = Math.Clamp(offset, Start, End);
            while (_blocks.Count > 0 && _base + BlockSize <= Start)
            {
                ArrayPool<byte>.Shared.Return(_blocks[0]);
                _blocks.RemoveAt(0);
                _base += BlockSize;
            }
        }
    }

    /// <summary>A copy of [offset, offset+length), or null when any of it was released or never taken.</summary>
    public byte[]? Read(long offset, long length)
    {
        lock (_lock)
        {
            if (offset < Start || length <= 0 || length > int.MaxValue || offset + length > End)
            {
                return null;
            }

            var copy = new byte[length];
            var done = 0;
            while (done < length)
            {
                var relative = offset + done - _base;
                var block = _blocks[(int)(relative >> BlockShift)];
                var at = (int)(relative & (BlockSize - 1));
                var n = (int)Math.Min(length - done, BlockSize - at);
                block.AsSpan(at, n).CopyTo(copy.AsSpan(done));
                done += n;
            }

            return copy;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var b in _blocks)
            {
                ArrayPool<byte>.Shared.Return(b);
            }

            _blocks.Clear();
        }
    }
}
