namespace WanAccel.Images.FileSystems.Ext;

/// <summary>An ext2/3/4 volume's block map: the generic view plus per-group free counts (as dumpe2fs prints them).</summary>
internal sealed record ExtVolume(ExtSuperblock Superblock, GuestFileSystem FileSystem, long[] GroupFreeBlocks)
{
    /// <summary>Free blocks counted from the bitmaps (equals the superblock's count on a clean file system).</summary>
    public long FreeBlocks => FileSystem.FreeBytes / Superblock.BlockSize;
}
