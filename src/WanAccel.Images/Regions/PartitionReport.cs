namespace WanAccel.Images.Regions;

/// <summary>A partition in <see cref="ImageReport"/>; file system fields are null when none was recognised.</summary>
public sealed record PartitionReport(
    int Index,
    long Offset,
    long Size,
    string Type,
    string Name,
    string? FileSystem,
    int? ClusterSize,
    long? UsedBytes,
    long? FreeBytes,
    string? Error)
{
    public static PartitionReport From(MappedPartition p) => new(
        p.Partition.Index,
        p.Partition.Offset,
        p.Partition.Size,
        p.Partition.Type,
        p.Partition.Name,
        p.FileSystem?.Type,
        p.FileSystem?.ClusterSize,
        p.FileSystem?.UsedBytes,
        p.FileSystem?.FreeBytes,
        p.Error);
}
