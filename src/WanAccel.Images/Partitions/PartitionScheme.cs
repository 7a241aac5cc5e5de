namespace WanAccel.Images.Partitions;

/// <summary>How a disk is divided.</summary>
public enum PartitionScheme
{
    /// <summary>No partition table: the disk is empty or holds a bare file system.</summary>
    None,

    /// <summary>DOS/MBR table, with logical partitions chained through EBRs.</summary>
    Mbr,

    /// <summary>GUID partition table (UEFI spec 2.10 §5.3).</summary>
    Gpt,
}
