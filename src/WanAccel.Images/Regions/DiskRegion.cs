namespace WanAccel.Images.Regions;

/// <summary>A range [Offset, Offset+Length) of the virtual disk and what it holds.</summary>
public readonly record struct DiskRegion(long Offset, long Length, RegionKind Kind)
{
    public long End => Offset + Length;
}
