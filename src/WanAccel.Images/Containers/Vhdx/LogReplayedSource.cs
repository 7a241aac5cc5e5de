using WanAccel.Images.IO;

namespace WanAccel.Images.Containers.Vhdx;

/// <summary>
/// A read-only view of the container file with a replayed VHDX log applied in memory: 4 KiB pages written by data
/// descriptors and ranges cleared by zero descriptors. The file itself is never modified. Pages always hold the
/// newest write for their offset (a later zero descriptor drops older pages), so pages win over zero ranges.
/// </summary>
internal sealed class LogReplayedSource : IByteSource
{
    public const int PageSize = 4096;

    private readonly IByteSource _file;
    private readonly Dictionary<long, byte[]> _pages = [];
    private readonly List<(long Start, long End)> _zeros = [];
    private (long Start, long End)[] _sortedZeros = [];

    public LogReplayedSource(IByteSource file)
    {
        _file = file;
        Length = file.Length;
    }

    public long Length { get; private set; }

    public int PageCount => _pages.Count;

    public void WritePage(long offset, byte[] page)
    {
        _pages[offset] = page;
        Length = Math.Max(Length, offset + PageSize);
    }

    public void Zero(long offset, long length)
    {
        var end = offset + length;
        if (length / PageSize <= _pages.Count)
        {
            for (var p = offset; p < end; p += PageSize)
            {
                _pages.Remove(p);
            }
        }
        else
        {
            foreach (var key in _pages.Keys.Where(k => k >= offset && k < end).ToList())
            {
                _pages.Remove(key);
            }
        }

        _zeros.Add((offset, end));
        Length = Math.Max(Length, end);
    }

    /// <summary>Call once after the last write: sorts and merges the zero ranges for lookups.</summary>
    public void Seal()
    {
        var merged = new List<(long Start, long End)>();
        foreach (var z in _zeros.OrderBy(z => z.Start))
        {
            if (merged.Count > 0 && z.Start <= merged[^1].End)
            {
                merged[^1] = (merged[^1].Start, Math.Max(merged[^1].End, z.End));
            }
            else
            {
                merged.Add(z);
            }
        }

        _sortedZeros = [.. merged];
    }

    public int ReadAt(long offset, Span<byte> buffer)
    {
        if (offset < 0 || offset >= Length || buffer.IsEmpty)
        {
            return 0;
        }

        var total = (int)Math.Min(buffer.Length, Length - offset);
        var done = 0;
        while (done < total)
        {
            var pos = offset + done;
            var page = pos - (pos % PageSize);
            var n = (int)Math.Min(total - done, page + PageSize - pos);
            var dest = buffer.Slice(done, n);
            if (_pages.TryGetValue(page, out var data))
            {
                data.AsSpan((int)(pos - page), n).CopyTo(dest);
            }
            else if (InZeroRange(page))
            {
                dest.Clear();
            }
            else
            {
                var got = _file.ReadAt(pos, dest);
                dest[got..].Clear();
            }

            done += n;
        }

        return total;
    }

    private bool InZeroRange(long page)
    {
        int lo = 0, hi = _sortedZeros.Length - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_sortedZeros[mid].End <= page)
            {
                lo = mid + 1;
            }
            else if (_sortedZeros[mid].Start > page)
            {
                hi = mid - 1;
            }
            else
            {
                return true;
            }
        }

        return false;
    }

    public void Dispose()
    {
    }
}
