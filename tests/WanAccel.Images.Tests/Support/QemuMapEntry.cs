namespace WanAccel.Images.Tests.Support;

/// <summary>One entry of <c>qemu-img map --output=json</c>.</summary>
internal readonly record struct QemuMapEntry(long Start, long Length, int Depth, bool Present, bool Zero, bool Data, long Offset);
