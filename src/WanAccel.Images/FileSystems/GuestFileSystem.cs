namespace WanAccel.Images.FileSystems;

/// <summary>
/// What a guest file system says about its volume. <see cref="UsedRanges"/> are sorted, merged byte ranges relative to
/// the start of the volume (partition), inside [0, <see cref="TotalBytes"/>); everything else in that span is free.
/// </summary>
public sealed record GuestFileSystem
{
    /// <summary>"ext2", "ext3", "ext4", "ntfs", "fat12", "fat16", "fat32" or "xfs".</summary>
    public required string Type { get; init; }

    /// <summary>Allocation unit: the ext block size or the NTFS/FAT cluster size, in bytes.</summary>
    public required int ClusterSize { get; init; }

    /// <summary>Bytes the file system spans (blocks/clusters × size); may be less than the partition.</summary>
    public required long TotalBytes { get; init; }

    public required long UsedBytes { get; init; }

    public long FreeBytes => TotalBytes - UsedBytes;

    public required IReadOnlyList<ByteRange> UsedRanges { get; init; }
}
