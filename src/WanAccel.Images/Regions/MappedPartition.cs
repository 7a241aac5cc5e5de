using WanAccel.Images.FileSystems;
using WanAccel.Images.Partitions;

namespace WanAccel.Images.Regions;

/// <summary>
/// A partition and what was found in it: a file system, nothing recognised (<see cref="FileSystem"/> null, <see cref="Error"/> null),
/// or a recognised but unreadable one (<see cref="Error"/> set; its bytes are then <see cref="RegionKind.Other"/> and always sent).
/// </summary>
public sealed record MappedPartition(Partition Partition, GuestFileSystem? FileSystem, string? Error = null);
