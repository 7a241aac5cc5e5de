namespace WanAccel.Images.FileSystems.Xfs;

/// <summary>An XFS volume's block map plus the free blocks per AG (each equals its AGF's agf_freeblks on a clean file system).</summary>
internal sealed record XfsVolume(XfsSuperblock Superblock, GuestFileSystem FileSystem, long[] AgFreeBlocks)
{
    public long FreeBlocks => AgFreeBlocks.Sum();
}
