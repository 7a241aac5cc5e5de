namespace WanAccel.Images.FileSystems.Fat;

/// <summary>A FAT volume's cluster map: the generic view plus counts as fsck.fat prints them.</summary>
internal sealed record FatVolume(FatBootSector Boot, GuestFileSystem FileSystem, long UsedClusters)
{
    public long FreeClusters => Boot.ClusterCount - UsedClusters;
}
