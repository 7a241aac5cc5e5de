namespace WanAccel.Images.Regions;

/// <summary>Bytes per <see cref="RegionKind"/>.</summary>
public sealed record RegionTotalsReport(long ContainerUnallocated, long Zero, long GuestFree, long GuestUsed, long Other);
