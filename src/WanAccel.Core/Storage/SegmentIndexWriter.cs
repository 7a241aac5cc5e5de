using System.Buffers;
using System.IO.Hashing;
using Microsoft.Win32.SafeHandles;

namespace WanAccel.Core.Storage;

/// <summary>
/// Appends entries to the active segment's sidecar through a 64 KiB buffer (one write per 4096 chunks) and seals it
/// with the trailer. The buffer is private on purpose: readers never need the sidecar, and a crash that loses it only
/// means the active segment is rescanned on open.
/// </summary>
internal sealed class SegmentIndexWriter : IDisposable
{
    private const int BufferSize = 64 * 1024;

    private readonly SafeFileHandle _handle;
    private readonly XxHash3 _hash;
    private byte[]? _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    private int _buffered;
    private long _fileOffset;
    private long _count;

    /// <param name="path">The sidecar file, created or truncated.</param>
    /// <param name="hash">The store's hasher, reset here: one writer exists at a time, so segments share it.</param>
    public SegmentIndexWriter(string path, XxHash3 hash)
    {
        _hash = hash;
        _hash.Reset();
        _handle = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite, FileShare.Read);
    }

    public void Append(ulong prefix, long offset, int length)
    {
        if (_buffered == BufferSize)
        {
            FlushBuffer();
        }

        SegmentIndexFile.WriteEntry(_buffer!.AsSpan(_buffered, SegmentIndexFile.EntrySize), prefix, offset, length);
        _buffered += SegmentIndexFile.EntrySize;
        _count++;
    }

    /// <summary>Writes the trailer and (unless <paramref name="durable"/> is false) fsyncs; the segment is sealed once this returns.</summary>
    public void Seal(long dataLength, bool durable = true)
    {
        FlushBuffer();
        Span<byte> trailer = stackalloc byte[SegmentIndexFile.TrailerSize];
        SegmentIndexFile.WriteTrailer(trailer, _count, dataLength, _hash.GetCurrentHashAsUInt64());
        RandomAccess.Write(_handle, trailer, _fileOffset);
        if (durable)
        {
            RandomAccess.FlushToDisk(_handle);
        }

        Dispose();
    }

    /// <summary>Writes buffered entries (no trailer, no fsync) and closes: an orderly shutdown of the active segment.</summary>
    public void Close()
    {
        FlushBuffer();
        Dispose();
    }

    /// <summary>Closes without writing the buffer, as a killed process would.</summary>
    public void Dispose()
    {
        _handle.Dispose();
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
        }
    }

    private void FlushBuffer()
    {
        if (_buffered == 0)
        {
            return;
        }

        var data = _buffer!.AsSpan(0, _buffered);
        _hash.Append(data);
        RandomAccess.Write(_handle, data, _fileOffset);
        _fileOffset += _buffered;
        _buffered = 0;
    }
}
