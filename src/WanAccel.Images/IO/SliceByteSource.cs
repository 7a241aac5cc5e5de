namespace WanAccel.Images.IO;

/// <summary>A window [offset, offset+length) of another source, e.g. a partition of a virtual disk. Does not own the inner source.</summary>
public sealed class SliceByteSource : IByteSource
{
    private readonly IByteSource _inner;
    private readonly long _offset;

    public SliceByteSource(IByteSource inner, long offset, long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (offset > inner.Length || length > inner.Length - offset)
        {
            throw new ImageFormatException(ImageError.Truncated, $"slice [{offset}, +{length}) lies beyond the end ({inner.Length} bytes)");
        }

        _inner = inner;
        _offset = offset;
        Length = length;
    }

    public long Length { get; }

    public int ReadAt(long offset, Span<byte> buffer)
    {
        if (offset < 0 || offset >= Length)
        {
            return 0;
        }

        var n = (int)Math.Min(buffer.Length, Length - offset);
        return _inner.ReadAt(_offset + offset, buffer[..n]);
    }

    public void Dispose()
    {
    }
}
