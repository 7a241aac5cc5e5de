using WanAccel.Images.IO;

namespace WanAccel.Images.Tests.Support;

/// <summary>An <see cref="IByteSource"/> over a byte array, optionally cut short (to fuzz truncation without copying).</summary>
internal sealed class MemoryByteSource : IByteSource
{
    private readonly byte[] _data;

    public MemoryByteSource(byte[] data, long? length = null)
    {
        _data = data;
        Length = Math.Min(length ?? data.Length, data.Length);
    }

    public long Length { get; }

    public int ReadAt(long offset, Span<byte> buffer)
    {
        if (offset < 0 || offset >= Length)
        {
            return 0;
        }

        var n = (int)Math.Min(buffer.Length, Length - offset);
        _data.AsSpan((int)offset, n).CopyTo(buffer);
        return n;
    }

    public void Dispose()
    {
    }
}
