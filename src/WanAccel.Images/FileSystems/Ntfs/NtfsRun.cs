namespace WanAccel.Images.FileSystems.Ntfs;

/// <summary>One decoded data run: <paramref name="Length"/> clusters from <paramref name="Vcn"/> at <paramref name="Lcn"/> (-1 = sparse).</summary>
internal readonly record struct NtfsRun(long Vcn, long Lcn, long Length);
