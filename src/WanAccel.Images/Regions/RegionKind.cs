namespace WanAccel.Images.Regions;

/// <summary>What a range of the virtual disk holds, combining the container map with the guest's own allocation.</summary>
public enum RegionKind : byte
{
    /// <summary>Not allocated in the container chain: reads as zeros, never sent.</summary>
    ContainerUnallocated,

    /// <summary>Allocated but known zero in the container (zero cluster/block): never sent as data.</summary>
    Zero,

    /// <summary>Allocated in the container but free in the guest file system: stale data, skippable.</summary>
    GuestFree,

    /// <summary>Allocated in the container and used by the guest file system.</summary>
    GuestUsed,

    /// <summary>Allocated but outside any understood file system: partition tables, unknown or unreadable file systems, gaps.</summary>
    Other,
}
