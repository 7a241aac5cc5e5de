namespace WanAccel.Images.IO;

/// <summary>Helpers that turn short reads of hostile input into typed errors.</summary>
public static class ByteSourceExtensions
{
    /// <summary>Reads exactly <c>buffer.Length</c> bytes or throws <see cref="ImageFormatException"/> (truncated).</summary>
    public static void ReadExactlyAt(this IByteSource source, long offset, Span<byte> buffer, string what)
    {
        if (offset < 0 || offset > source.Length - buffer.Length)
        {
            throw new ImageFormatException(ImageError.Truncated, $"{what}: {buffer.Length} bytes at offset {offset} lie beyond the end ({source.Length} bytes)");
        }

        if (source.ReadAt(offset, buffer) != buffer.Length)
        {
            throw new ImageFormatException(ImageError.Truncated, $"{what}: short read of {buffer.Length} bytes at offset {offset}");
        }
    }
}
