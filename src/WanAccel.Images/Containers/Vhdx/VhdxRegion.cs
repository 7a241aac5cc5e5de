namespace WanAccel.Images.Containers.Vhdx;

/// <summary>A region table entry (MS-VHDX 2.2.3.2): where a region (BAT, metadata, ...) lives in the file.</summary>
internal readonly record struct VhdxRegion(Guid Id, long FileOffset, uint Length, bool Required);
