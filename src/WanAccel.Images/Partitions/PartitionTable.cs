using WanAccel.Images.IO;

namespace WanAccel.Images.Partitions;

/// <summary>The partitions of a disk, sorted by offset. Extended (container) MBR partitions are not listed, their logical partitions are.</summary>
public sealed record PartitionTable(PartitionScheme Scheme, IReadOnlyList<Partition> Partitions)
{
    /// <summary>Logical sector size assumed for MBR and GPT LBAs (4Kn GPT disks are detected separately).</summary>
    public const int SectorSize = 512;

    /// <summary>
    /// Reads the table of <paramref name="disk"/>: GPT (primary, else backup), else MBR, else <see cref="PartitionScheme.None"/>.
    /// Throws <see cref="ImageFormatException"/> when a table is present but malformed.
    /// </summary>
    public static PartitionTable Read(IByteSource disk)
    {
        if (disk.Length < SectorSize)
        {
            return new PartitionTable(PartitionScheme.None, []);
        }

        Span<byte> mbr = stackalloc byte[SectorSize];
        disk.ReadExactlyAt(0, mbr, "MBR");
        if (GptReader.IsPresent(disk, mbr))
        {
            return new PartitionTable(PartitionScheme.Gpt, GptReader.Read(disk));
        }

        return MbrReader.Looks(mbr)
            ? new PartitionTable(PartitionScheme.Mbr, MbrReader.Read(disk, mbr))
            : new PartitionTable(PartitionScheme.None, []);
    }
}
