namespace WanAccel.Images.Containers.Shared;

/// <summary>One resolved block-table entry: its kind and, for stored kinds, where its payload starts in the container file.</summary>
internal readonly record struct BlockEntry(BlockKind Kind, long FileOffset = -1)
{
    public static BlockEntry Inherit => new(BlockKind.Inherit);

    public static BlockEntry Zero => new(BlockKind.Zero);
}
