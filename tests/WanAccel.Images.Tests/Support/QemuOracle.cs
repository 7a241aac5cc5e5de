using System.Security.Cryptography;
using System.Text.Json;
using WanAccel.Images.Containers;

namespace WanAccel.Images.Tests.Support;

/// <summary>
/// Ground truth from qemu-img for every container format: hashes, virtual sizes, raw conversions,
/// <c>qemu-img map</c> comparison, and the map invariants every reader must keep.
/// </summary>
internal static class QemuOracle
{
        public static string Sha256(IVirtualDisk disk)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        for (long pos = 0; pos < disk.Length;)
        {
            var n = disk.ReadAt(pos, buffer);
            Assert.True(n > 0, $"short read at {pos}");
            sha.AppendData(buffer, 0, n);
            pos += n;
        }

        return Convert.ToHexString(sha.GetHashAndReset());
    }

    public static string RawSha256(string image, TempDir dir, IVirtualDisk? spotCheck = null)
    {
        var raw = dir.File($"{Guid.NewGuid():N}.raw");
        Tool.Run("qemu-img", "convert", "-O", "raw", image, raw);
        using var fs = File.OpenRead(raw);
        var hash = Convert.ToHexString(SHA256.HashData(fs));
        if (spotCheck is not null)
        {
            AssertRandomReadsMatch(spotCheck, fs);
        }

        fs.Dispose();
        File.Delete(raw);
        return hash;
    }

    /// <summary>Unaligned reads of random length straddling cluster/grain/block boundaries, against qemu's raw output.</summary>
    private static void AssertRandomReadsMatch(IVirtualDisk disk, FileStream raw)
    {
        var rng = new Random(42);
        for (var i = 0; i < 64; i++)
        {
            var length = rng.Next(1, 300 * 1024);
            var offset = rng.NextInt64(0, Math.Max(1, disk.Length - length));
            var ours = new byte[length];
            var theirs = new byte[length];
            var n = disk.ReadAt(offset, ours);
            raw.Position = offset;
            var m = raw.ReadAtLeast(theirs, theirs.Length, throwOnEndOfStream: false);
            Assert.Equal(m, n);
            Assert.True(theirs.AsSpan(0, m).SequenceEqual(ours.AsSpan(0, n)), $"read of {length} bytes at {offset} differs");
        }

        var tail = new byte[4096];
        Assert.Equal(0, disk.ReadAt(disk.Length, tail));
        Assert.Equal(100, disk.ReadAt(disk.Length - 100, tail));
    }

    /// <summary>qemu-img's virtual size; <paramref name="format"/> when probing would guess wrong (fixed VHD looks raw).</summary>
    public static long VirtualSize(string image, string? format = null)
    {
        using var doc = JsonDocument.Parse(format is null
            ? Tool.Run("qemu-img", "info", "--output=json", image)
            : Tool.Run("qemu-img", "info", "-f", format, "--output=json", image));
        return doc.RootElement.GetProperty("virtual-size").GetInt64();
    }

    public static IReadOnlyList<QemuMapEntry> Map(string image)
    {
        using var doc = JsonDocument.Parse(Tool.Run("qemu-img", "map", "--output=json", image));
        return [.. doc.RootElement.EnumerateArray().Select(e => new QemuMapEntry(
            e.GetProperty("start").GetInt64(),
            e.GetProperty("length").GetInt64(),
            e.GetProperty("depth").GetInt32(),
            !e.TryGetProperty("present", out var p) || p.GetBoolean(),
            e.GetProperty("zero").GetBoolean(),
            e.GetProperty("data").GetBoolean(),
            e.TryGetProperty("offset", out var off) ? off.GetInt64() : -1))];
    }

    /// <summary>Checks the map invariants (sorted, covering, merged) and agreement with qemu, segment by segment.</summary>
    /// <param name="holesAsZero">qemu's driver reports unallocated space as present zeros (vdi), so Zero there may be our Unallocated.</param>
    public static void AssertMapAgrees(IReadOnlyList<DiskExtent> ours, IReadOnlyList<QemuMapEntry> qemu, long length, bool holesAsZero = false)
    {
        AssertWellFormed(ours, length);
        Assert.Equal(length, qemu.Count == 0 ? 0 : qemu[^1].Start + qemu[^1].Length);
        int i = 0, j = 0;
        long pos = 0;
        while (pos < length)
        {
            while (ours[i].End <= pos)
            {
                i++;
            }

            while (qemu[j].Start + qemu[j].Length <= pos)
            {
                j++;
            }

            var o = ours[i];
            var q = qemu[j];
            var end = Math.Min(o.End, q.Start + q.Length);
            var where = $"[{pos}, {end}) ours={o} qemu={q}";
            if (q.Data && !q.Zero)
            {
                Assert.True(o.Kind == ExtentKind.Allocated && o.Layer == q.Depth, where);
                if (o.FileOffset >= 0 && q.Offset >= 0 && q.Depth == 0)
                {
                    // Same host offset for the same guest byte (qemu reports it for the top file).
                    Assert.True(o.FileOffset + (pos - o.Offset) == q.Offset + (pos - q.Start), "file offset: " + where);
                }
            }
            else if (q.Data)
            {
                // data+zero: qemu looked through to a hole of the host file (flat/preallocated); either view is right.
                Assert.True(o.Kind != ExtentKind.Zero || o.Layer == q.Depth, where);
            }
            else if (q.Present && q.Zero)
            {
                Assert.True((o.Kind == ExtentKind.Zero && o.Layer == q.Depth) || (holesAsZero && o.Kind == ExtentKind.Unallocated), where);
            }
            else if (!q.Present)
            {
                Assert.True(o.Kind == ExtentKind.Unallocated, where);
            }

            pos = end;
        }
    }

    /// <summary>Asserts the map is sorted, gap-free, merged (as <c>ExtentMapBuilder</c> merges) and covers exactly [0, length).</summary>
    public static void AssertWellFormed(IReadOnlyList<DiskExtent> map, long length)
    {
        long pos = 0;
        for (var k = 0; k < map.Count; k++)
        {
            var e = map[k];
            Assert.Equal(pos, e.Offset);
            Assert.True(e.Length > 0);
            if (k > 0)
            {
                var p = map[k - 1];
                var mergeable = p.Kind == e.Kind && p.Layer == e.Layer &&
                    (e.FileOffset < 0 ? p.FileOffset < 0 : p.FileOffset >= 0 && p.FileOffset + p.Length == e.FileOffset);
                Assert.False(mergeable, $"extents {p} and {e} should have been merged");
            }

            pos = e.End;
        }

        Assert.Equal(length, pos);
    }

    /// <summary>All ground-truth checks for one image: size, content hash, allocation map.</summary>
    public static void AssertMatchesQemu(IVirtualDisk disk, string image, TempDir dir, bool holesAsZero = false)
    {
        Assert.Equal(VirtualSize(image), disk.Length);
        Assert.Equal(RawSha256(image, dir, disk), Sha256(disk));
        AssertMapAgrees(disk.GetAllocationMap(), Map(image), disk.Length, holesAsZero);
    }
    public static string Sha256(string file)
    {
        using var fs = File.OpenRead(file);
        return Convert.ToHexString(SHA256.HashData(fs));
    }

    /// <summary>qemu-img's raw conversion of <paramref name="image"/> (explicit format: qemu probes fixed VHDs as raw).</summary>
    public static string ToRaw(TempDir dir, string image, string format)
    {
        var raw = dir.File(Path.GetFileName(image) + ".qemu.raw");
        Tool.Run("qemu-img", "convert", "-f", format, "-O", "raw", image, raw);
        return raw;
    }

    /// <summary>qemu-img map as (offset, length, data) runs, adjacent runs with equal data flags merged.</summary>
    public static List<(long Offset, long Length, bool Data)> DataRuns(string image, string format)
    {
        using var doc = JsonDocument.Parse(Tool.Run("qemu-img", "map", "-f", format, "--output=json", image));
        var runs = new List<(long Offset, long Length, bool Data)>();
        foreach (var e in doc.RootElement.EnumerateArray())
        {
            AddRun(runs, e.GetProperty("start").GetInt64(), e.GetProperty("length").GetInt64(), e.GetProperty("data").GetBoolean());
        }

        return runs;
    }

    /// <summary>Our map in the shape of <see cref="DataRuns(string, string)"/>: allocated = data.</summary>
    public static List<(long Offset, long Length, bool Data)> DataRuns(IReadOnlyList<DiskExtent> map)
    {
        var runs = new List<(long Offset, long Length, bool Data)>();
        foreach (var e in map)
        {
            AddRun(runs, e.Offset, e.Length, e.Kind == ExtentKind.Allocated);
        }

        return runs;
    }

    /// <summary>
    /// Asserts that every allocated extent's FileOffset in layer file <c>chain[Layer]</c> holds exactly the bytes the
    /// disk reads at its Offset, and that unallocated/zero extents read as zeros (checks at most 256 KiB per extent).
    /// </summary>
    public static void AssertMapPointsAtData(IVirtualDisk disk, IReadOnlyList<DiskExtent> map)
    {
        foreach (var e in map)
        {
            var n = (int)Math.Min(e.Length, 256 * 1024);
            var expected = new byte[n];
            Assert.Equal(n, disk.ReadAt(e.Offset, expected));
            if (e.Kind == ExtentKind.Allocated)
            {
                using var fs = File.OpenRead(disk.Chain[e.Layer]);
                fs.Position = e.FileOffset;
                var actual = new byte[n];
                fs.ReadExactly(actual);
                Assert.True(expected.AsSpan().SequenceEqual(actual), $"extent at {e.Offset} (layer {e.Layer}, file offset {e.FileOffset}) does not hold the disk's bytes");
            }
            else if (e.Layer == 0 || e.Kind == ExtentKind.Zero)
            {
                Assert.True(expected.AsSpan().IndexOfAnyExcept((byte)0) < 0, $"{e.Kind} extent at {e.Offset} reads non-zero bytes");
            }
        }
    }

    /// <summary>Asserts every byte of <paramref name="raw"/> in [offset, offset+length) is zero.</summary>
    public static void AssertZeros(string raw, long offset, long length)
    {
        using var fs = File.OpenRead(raw);
        fs.Position = offset;
        var buffer = new byte[1 << 20];
        while (length > 0)
        {
            var n = fs.Read(buffer, 0, (int)Math.Min(buffer.Length, length));
            Assert.True(n > 0);
            Assert.True(buffer.AsSpan(0, n).IndexOfAnyExcept((byte)0) < 0, $"non-zero bytes in [{offset}, +{n})");
            offset += n;
            length -= n;
        }
    }

    private static void AddRun(List<(long Offset, long Length, bool Data)> runs, long offset, long length, bool data)
    {
        if (runs.Count > 0 && runs[^1].Data == data && runs[^1].Offset + runs[^1].Length == offset)
        {
            runs[^1] = (runs[^1].Offset, runs[^1].Length + length, data);
        }
        else
        {
            runs.Add((offset, length, data));
        }
    }
}
