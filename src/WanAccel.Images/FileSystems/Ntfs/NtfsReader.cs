using WanAccel.Images.IO;

namespace WanAccel.Images.FileSystems.Ntfs;

/// <summary>
/// Reads the NTFS cluster bitmap: boot sector → MFT record 0 ($MFT, to locate record 6 through its runs) →
/// record 6 ($Bitmap) → its unnamed $DATA, one bit per cluster.
/// </summary>
internal static class NtfsReader
{
    private const int BitmapRecord = 6;

    /// <summary>Bitmap bytes read per I/O: 64 KiB covers 512 Ki clusters (2 GiB at 4 KiB clusters).</summary>
    private const int ChunkBytes = 64 * 1024;

    public static bool Probe(IByteSource volume)
    {
        Span<byte> oem = stackalloc byte[NtfsBootSector.Size];
        return volume.Length >= NtfsBootSector.Size && volume.ReadAt(0, oem) == NtfsBootSector.Size && NtfsBootSector.HasSignature(oem);
    }

    public static NtfsVolume Read(IByteSource volume)
    {
        var bootBytes = new byte[NtfsBootSector.Size];
        volume.ReadExactlyAt(0, bootBytes, "ntfs boot sector");
        var boot = NtfsBootSector.Parse(bootBytes, volume.Length);
        var cs = boot.ClusterSize;

        var record = new byte[boot.MftRecordSize];
        volume.ReadExactlyAt(boot.MftLcn * cs, record, "ntfs MFT record 0");
        NtfsRecord.ApplyFixups(record, 0);
        var mft = NtfsRecord.FindData(record, 0, boot.ClusterCount);

        ReadAttribute(volume, boot, mft, (long)BitmapRecord * boot.MftRecordSize, record, "ntfs MFT record 6");
        NtfsRecord.ApplyFixups(record, BitmapRecord);
        var bitmap = NtfsRecord.FindData(record, BitmapRecord, boot.ClusterCount);
        var needed = (boot.ClusterCount + 7) / 8;
        if (bitmap.DataSize < needed)
        {
            throw new ImageFormatException(ImageError.Corrupt, $"ntfs: $Bitmap holds {bitmap.DataSize} bytes, {needed} needed for {boot.ClusterCount} clusters");
        }

        var used = new RangeListBuilder(cs);
        var chunk = new byte[(int)Math.Min(ChunkBytes, needed)];
        for (long off = 0; off < needed; off += chunk.Length)
        {
            var n = (int)Math.Min(chunk.Length, needed - off);
            ReadAttribute(volume, boot, bitmap, off, chunk.AsSpan(0, n), "ntfs $Bitmap");
            BitmapScanner.Scan(chunk.AsSpan(0, n), Math.Min((long)n * 8, boot.ClusterCount - (off * 8)), off * 8, used);
        }

        var ranges = used.Build();
        return new NtfsVolume(boot, new GuestFileSystem
        {
            Type = "ntfs",
            ClusterSize = cs,
            TotalBytes = boot.ClusterCount * cs,
            UsedBytes = used.Units * cs,
            UsedRanges = ranges,
        });
    }

    /// <summary>Reads <c>buffer.Length</c> bytes of an attribute's value from <paramref name="offset"/>; sparse and uninitialised parts read as zeros.</summary>
    private static void ReadAttribute(IByteSource volume, NtfsBootSector boot, NtfsAttribute attr, long offset, Span<byte> buffer, string what)
    {
        if (offset < 0 || offset > attr.DataSize - buffer.Length)
        {
            throw new ImageFormatException(ImageError.Corrupt, $"{what}: bytes [{offset}, +{buffer.Length}) beyond the attribute ({attr.DataSize} bytes)");
        }

        if (attr.Resident is { } value)
        {
            value.AsSpan((int)offset, buffer.Length).CopyTo(buffer);
            return;
        }

        var cs = boot.ClusterSize;
        var runs = attr.Runs!;
        var done = 0;
        var r = 0;
        while (done < buffer.Length)
        {
            var pos = offset + done;
            var vcn = pos / cs;
            while (r < runs.Count && runs[r].Vcn + runs[r].Length <= vcn)
            {
                r++;
            }

            if (r == runs.Count || runs[r].Vcn > vcn)
            {
                throw new ImageFormatException(ImageError.Corrupt, $"{what}: cluster {vcn} not mapped by the run list");
            }

            var run = runs[r];
            var runEnd = (run.Vcn + run.Length) * cs;
            var n = (int)Math.Min(buffer.Length - done, runEnd - pos);
            var dest = buffer.Slice(done, n);
            if (run.Lcn < 0 || pos >= attr.InitializedSize)
            {
                dest.Clear();
            }
            else
            {
                volume.ReadExactlyAt((run.Lcn * cs) + (pos - (run.Vcn * cs)), dest, what);
                if (pos + n > attr.InitializedSize)
                {
                    dest[(int)(attr.InitializedSize - pos)..].Clear();
                }
            }

            done += n;
        }
    }
}
