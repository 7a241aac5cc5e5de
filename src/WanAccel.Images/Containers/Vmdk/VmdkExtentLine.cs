namespace WanAccel.Images.Containers.Vmdk;

/// <summary>One extent line of a descriptor: <c>RW &lt;sectors&gt; FLAT|SPARSE|ZERO "file" [offset]</c>.</summary>
internal sealed record VmdkExtentLine(string Access, long Sectors, string Type, string? FileName, long OffsetSectors);
