namespace WanAccel.Appliance.FileTransfer;

/// <summary>A range [Offset, Offset+Length) of the sender's file and how it is sent.</summary>
public readonly record struct SourceSegment(long Offset, long Length, SegmentKind Kind)
{
    public long End => Offset + Length;
}
