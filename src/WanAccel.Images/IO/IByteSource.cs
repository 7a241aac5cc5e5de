namespace WanAccel.Images.IO;

/// <summary>
/// A read-only, random-access source of bytes: a container file, a virtual disk, or a slice of either.
/// Implementations are safe for concurrent <see cref="ReadAt"/> calls.
/// </summary>
public interface IByteSource : IDisposable
{
    /// <summary>Length in bytes.</summary>
    long Length { get; }

    /// <summary>
    /// Reads up to <c>buffer.Length</c> bytes at <paramref name="offset"/>; returns the count read,
    /// which is less than requested only at the end of the source.
    /// </summary>
    int ReadAt(long offset, Span<byte> buffer);
}
