namespace WanAccel.Images.Containers;

/// <summary>
/// A range of the virtual disk and what backs it.
/// <paramref name="FileOffset"/> is where the data starts in the container file of layer <paramref name="Layer"/>
/// (0 = the opened image, 1 = its parent/backing file, ...), or -1 when it is not stored contiguously
/// (compressed clusters) or the extent is not <see cref="ExtentKind.Allocated"/>.
/// </summary>
public readonly record struct DiskExtent(long Offset, long Length, ExtentKind Kind, long FileOffset = -1, int Layer = 0)
{
    public long End => Offset + Length;
}
