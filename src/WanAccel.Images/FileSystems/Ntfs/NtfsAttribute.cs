namespace WanAccel.Images.FileSystems.Ntfs;

/// <summary>An unnamed $DATA attribute: resident bytes, or non-resident runs with its sizes.</summary>
internal sealed record NtfsAttribute(byte[]? Resident, List<NtfsRun>? Runs, long DataSize, long InitializedSize);
