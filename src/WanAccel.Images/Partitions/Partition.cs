namespace WanAccel.Images.Partitions;

/// <summary>
/// One partition: a byte range of the virtual disk. <paramref name="Index"/> is the number the OS gives it
/// (MBR primary 1-4, logical from 5; GPT entry number from 1; 0 for a bare file system).
/// <paramref name="Type"/> is readable, e.g. "0x83 Linux" or "Linux filesystem".
/// </summary>
public sealed record Partition(int Index, long Offset, long Size, string Type, PartitionScheme Scheme, string Name = "")
{
    public long End => Offset + Size;
}
