using System.Buffers.Binary;

namespace WanAccel.Images.FileSystems.Ntfs;

/// <summary>The NTFS boot sector (BPB at offset 0x0B), validated.</summary>
internal sealed record NtfsBootSector
{
    public const int Size = 512;

    /// <summary>Largest cluster NTFS defines: 2 MiB (Windows 10 1709+).</summary>
    public const int MaxClusterSize = 2 << 20;

    public required int BytesPerSector { get; init; }
    public required int ClusterSize { get; init; }
    public required long ClusterCount { get; init; }
    public required long MftLcn { get; init; }
    public required int MftRecordSize { get; init; }

    public static bool HasSignature(ReadOnlySpan<byte> boot) => boot.Slice(3, 8).SequenceEqual("NTFS    "u8);

    public static NtfsBootSector Parse(ReadOnlySpan<byte> boot, long volumeLength)
    {
        if (!HasSignature(boot) || boot[510] != 0x55 || boot[511] != 0xAA)
        {
            throw new ImageFormatException(ImageError.Corrupt, "ntfs: bad boot sector signature");
        }

        int bps = BinaryPrimitives.ReadUInt16LittleEndian(boot[0x0B..]);
        if (bps < 256 || bps > 4096 || (bps & (bps - 1)) != 0)
        {
            throw new ImageFormatException(ImageError.Corrupt, $"ntfs: {bps} bytes per sector invalid");
        }

        // Sectors per cluster: 1..128 directly; above 0x80 the byte is a negative exponent: 2^(256 - v) sectors (64 KiB+ clusters).
        var spcByte = boot[0x0D];
        long clusterSize;
        if (spcByte <= 0x80)
        {
            if (spcByte == 0 || (spcByte & (spcByte - 1)) != 0)
            {
                throw new ImageFormatException(ImageError.Corrupt, $"ntfs: {spcByte} sectors per cluster invalid");
            }

            clusterSize = (long)spcByte * bps;
        }
        else
        {
            var shift = 256 - spcByte;
            clusterSize = shift > 12 ? long.MaxValue : (1L << shift) * bps;
        }

        if (clusterSize > MaxClusterSize)
        {
            throw new ImageFormatException(ImageError.Corrupt, $"ntfs: cluster size above {MaxClusterSize} bytes");
        }

        var totalSectors = BinaryPrimitives.ReadInt64LittleEndian(boot[0x28..]);
        var mftLcn = BinaryPrimitives.ReadInt64LittleEndian(boot[0x30..]);
        var spc = clusterSize / bps;
        if (totalSectors <= 0 || totalSectors / spc == 0)
        {
            throw new ImageFormatException(ImageError.Corrupt, $"ntfs: {totalSectors} sectors invalid");
        }

        var clusters = totalSectors / spc;
        if (clusters > volumeLength / clusterSize)
        {
            throw new ImageFormatException(ImageError.Truncated, $"ntfs: {clusters} clusters of {clusterSize} bytes do not fit the volume ({volumeLength} bytes)");
        }

        if (mftLcn <= 0 || mftLcn >= clusters)
        {
            throw new ImageFormatException(ImageError.Corrupt, $"ntfs: MFT at cluster {mftLcn} outside the volume");
        }

        // Clusters per MFT record: positive = clusters; negative = 2^-v bytes.
        var cpr = (sbyte)boot[0x40];
        long recordSize = cpr > 0 ? cpr * clusterSize : cpr < 0 && cpr >= -31 ? 1L << -cpr : 0;
        if (recordSize < 512 || recordSize > 65536 || (recordSize & (recordSize - 1)) != 0)
        {
            throw new ImageFormatException(ImageError.Corrupt, $"ntfs: MFT record size {recordSize} invalid");
        }

        return new NtfsBootSector
        {
            BytesPerSector = bps,
            ClusterSize = (int)clusterSize,
            ClusterCount = clusters,
            MftLcn = mftLcn,
            MftRecordSize = (int)recordSize,
        };
    }
}
