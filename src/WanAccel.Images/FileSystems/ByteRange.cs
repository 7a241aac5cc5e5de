namespace WanAccel.Images.FileSystems;

/// <summary>A half-open byte range [Offset, Offset+Length).</summary>
public readonly record struct ByteRange(long Offset, long Length)
{
    public long End => Offset + Length;
}
