namespace WanAccel.Images.FileSystems.Ntfs;

/// <summary>An NTFS volume's cluster map: the generic view plus the boot sector.</summary>
internal sealed record NtfsVolume(NtfsBootSector Boot, GuestFileSystem FileSystem)
{
    public long FreeClusters => FileSystem.FreeBytes / Boot.ClusterSize;
}
