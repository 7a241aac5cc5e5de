using System.Buffers.Binary;

namespace WanAccel.Images.FileSystems.Fat;

/// <summary>The FAT BIOS parameter block (Microsoft FAT specification 1.03, §3), validated; the FAT type follows from the cluster count.</summary>
internal sealed record FatBootSector
{
    public const int Size = 512;

    /// <summary>Largest FAT32 cluster count (§3.5: 0x0FFFFFF5 and above are reserved values).</summary>
    public const long MaxClusters = 0x0FFFFFF5 - 2;

    public required int BytesPerSector { get; init; }
    public required int SectorsPerCluster { get; init; }
    public required long ReservedSectors { get; init; }
    public required int FatCount { get; init; }
    public required long FatSectors { get; init; }
    public required long DataStartSector { get; init; }
    public required long ClusterCount { get; init; }

    /// <summary>12, 16 or 32.</summary>
    public required int Bits { get; init; }

    public int ClusterSize => BytesPerSector * SectorsPerCluster;

    /// <summary>Cheap check: boot jump, 0x55AA and a "FAT" type string where FAT12/16 or FAT32 put it.</summary>
    public static bool Looks(ReadOnlySpan<byte> boot) =>
        (boot[0] == 0xEB || boot[0] == 0xE9) && boot[510] == 0x55 && boot[511] == 0xAA
        && (boot.Slice(54, 3).SequenceEqual("FAT"u8) || boot.Slice(82, 3).SequenceEqual("FAT"u8));

    public static FatBootSector Parse(ReadOnlySpan<byte> boot, long volumeLength)
    {
        int bps = BinaryPrimitives.ReadUInt16LittleEndian(boot[0x0B..]);
        int spc = boot[0x0D];
        long reserved = BinaryPrimitives.ReadUInt16LittleEndian(boot[0x0E..]);
        int fats = boot[0x10];
        long rootEntries = BinaryPrimitives.ReadUInt16LittleEndian(boot[0x11..]);
        long total = BinaryPrimitives.ReadUInt16LittleEndian(boot[0x13..]);
        long fatSize = BinaryPrimitives.ReadUInt16LittleEndian(boot[0x16..]);
        if (total == 0)
        {
            total = BinaryPrimitives.ReadUInt32LittleEndian(boot[0x20..]);
        }

        if (fatSize == 0)
        {
            fatSize = BinaryPrimitives.ReadUInt32LittleEndian(boot[0x24..]);
        }

        if (bps < 512 || bps > 4096 || (bps & (bps - 1)) != 0 || spc == 0 || (spc & (spc - 1)) != 0 || reserved == 0 || fats == 0 || fatSize == 0)
        {
            throw new ImageFormatException(ImageError.Corrupt, $"fat: BPB invalid ({bps} B/sector, {spc} sectors/cluster, {reserved} reserved, {fats} FATs of {fatSize} sectors)");
        }

        if (total * bps > volumeLength)
        {
            throw new ImageFormatException(ImageError.Truncated, $"fat: {total} sectors of {bps} bytes do not fit the volume ({volumeLength} bytes)");
        }

        var rootSectors = ((rootEntries * 32) + bps - 1) / bps;
        var dataStart = reserved + (fats * fatSize) + rootSectors;
        if (dataStart >= total)
        {
            throw new ImageFormatException(ImageError.Corrupt, $"fat: metadata ({dataStart} sectors) fills the volume ({total} sectors)");
        }

        var clusters = (total - dataStart) / spc;
        var bits = clusters < 4085 ? 12 : clusters < 65525 ? 16 : 32;
        if (clusters > MaxClusters || (fatSize * bps * 8 / bits) < clusters + 2)
        {
            throw new ImageFormatException(ImageError.Corrupt, $"fat: {clusters} clusters do not fit a FAT of {fatSize} sectors");
        }

        return new FatBootSector
        {
            BytesPerSector = bps,
            SectorsPerCluster = spc,
            ReservedSectors = reserved,
            FatCount = fats,
            FatSectors = fatSize,
            DataStartSector = dataStart,
            ClusterCount = clusters,
            Bits = bits,
        };
    }
}
