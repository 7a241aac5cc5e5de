using System.Buffers.Binary;
using WanAccel.Images.IO;

namespace WanAccel.Images.FileSystems.Fat;

/// <summary>
/// Reads FAT12/16/32 allocation from the first FAT: entry 0 = free cluster, anything else (chain, end, bad) = used.
/// Everything before the data area (boot, reserved sectors, FATs, FAT12/16 root directory) is used.
/// </summary>
internal static class FatReader
{
    /// <summary>FAT bytes read per I/O (FAT32: 16 Ki entries).</summary>
    private const int ChunkBytes = 64 * 1024;

    public static bool Probe(IByteSource volume)
    {
        Span<byte> boot = stackalloc byte[FatBootSector.Size];
        return volume.Length >= FatBootSector.Size && volume.ReadAt(0, boot) == FatBootSector.Size && FatBootSector.Looks(boot);
    }

    public static FatVolume Read(IByteSource volume)
    {
        var bootBytes = new byte[FatBootSector.Size];
        volume.ReadExactlyAt(0, bootBytes, "fat boot sector");
        var boot = FatBootSector.Parse(bootBytes, volume.Length);
        var bps = boot.BytesPerSector;
        var spc = boot.SectorsPerCluster;

        var used = new RangeListBuilder(bps);
        used.Add(0, boot.DataStartSector);
        long usedClusters = 0;
        var fatOffset = boot.ReservedSectors * bps;
        var entries = boot.ClusterCount + 2;
        var fatBytes = boot.Bits == 12 ? ((entries * 3) + 1) / 2 : entries * (boot.Bits / 8);

        // FAT12 entries straddle bytes, so its (at most 6 KiB) FAT is read whole; FAT16/32 stream in chunks of whole entries.
        var chunk = new byte[(int)Math.Min(boot.Bits == 12 ? fatBytes : ChunkBytes, fatBytes)];
        long firstEntry = 0;
        for (long off = 0; off < fatBytes; off += chunk.Length)
        {
            var n = (int)Math.Min(chunk.Length, fatBytes - off);
            var span = chunk.AsSpan(0, n);
            volume.ReadExactlyAt(fatOffset + off, span, "fat table");
            var width = boot.Bits / 8;
            var count = boot.Bits == 12 ? (int)entries : n / width;
            var i = 0;
            while (i < count)
            {
                var cluster = firstEntry + i;
                if (Entry(span, i, boot.Bits) != 0)
                {
                    if (cluster >= 2)
                    {
                        usedClusters++;
                        used.Add(boot.DataStartSector + ((cluster - 2) * spc), spc);
                    }

                    i++;
                }
                else if (boot.Bits == 12)
                {
                    i++;
                }
                else
                {
                    // Free stretches are all-zero bytes: skip them with a vectorised search instead of entry by entry.
                    var next = span[((i + 1) * width)..].IndexOfAnyExcept((byte)0);
                    i = next < 0 ? count : i + 1 + (next / width);
                }
            }

            firstEntry += count;
        }

        var ranges = used.Build();
        return new FatVolume(boot, new GuestFileSystem
        {
            Type = boot.Bits switch { 12 => "fat12", 16 => "fat16", _ => "fat32" },
            ClusterSize = boot.ClusterSize,
            TotalBytes = (boot.DataStartSector + (boot.ClusterCount * spc)) * bps,
            UsedBytes = used.Units * bps,
            UsedRanges = ranges,
        }, usedClusters);
    }

    private static uint Entry(ReadOnlySpan<byte> fat, int i, int bits) => bits switch
    {
        32 => BinaryPrimitives.ReadUInt32LittleEndian(fat[(i * 4)..]) & 0x0FFFFFFF,
        16 => BinaryPrimitives.ReadUInt16LittleEndian(fat[(i * 2)..]),
        _ => (i & 1) == 0
            ? (uint)(fat[i * 3 / 2] | ((fat[(i * 3 / 2) + 1] & 0x0F) << 8))
            : (uint)((fat[i * 3 / 2] >> 4) | (fat[(i * 3 / 2) + 1] << 4)),
    };
}
