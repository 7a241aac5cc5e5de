using System.Security.Cryptography;
using System.Text.Json;
using WanAccel.Images.Containers;
using WanAccel.Images.Tests.Support;

namespace WanAccel.Images.Tests.Containers;

/// <summary>
/// Ground truth from qemu-img for the QCOW2, VMDK and VDI tests: sample raw disks, hashes, virtual sizes and
/// <c>qemu-img map</c> comparison. (Named Qcow2* only to stay inside this branch's files; a candidate for Support/.)
/// </summary>
internal static class QemuOracle
{
    public const int Block = 64 * 1024;

    /// <summary>A sparse raw disk: random 64 KiB blocks at scattered (partly 4 KiB-aligned) offsets, a few written all-zero blocks, holes elsewhere.</summary>
    public static void CreateSampleRaw(string path, long size, int seed = 1234, int blocks = 40)
    {
        var rng = new Random(seed);
        using var fs = new FileStream(path, FileMode.Create, FileAccess.Write);
        fs.SetLength(size);
        var data = new byte[Block];
        for (var i = 0; i < blocks; i++)
        {
            var align = i % 3 == 0 ? 4096 : Block;
            var offset = rng.NextInt64(0, (size - Block) / align) * align;
            if (i % 10 == 9)
            {
                Array.Clear(data);
            }
            else
            {
                rng.NextBytes(data);
                data.AsSpan(0, 16).Fill((byte)i); // recognisable
            }

            fs.Position = offset;
            fs.Write(data);
        }

        // The last bytes of the disk are data too, so a partial last cluster is exercised.
        rng.NextBytes(data);
        fs.Position = size - 1024;
        fs.Write(data, 0, 1024);
    }

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

    public static long VirtualSize(string image)
    {
        using var doc = JsonDocument.Parse(Tool.Run("qemu-img", "info", "--output=json", image));
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
}

/// <summary>One entry of <c>qemu-img map --output=json</c>.</summary>
internal readonly record struct QemuMapEntry(long Start, long Length, int Depth, bool Present, bool Zero, bool Data, long Offset);
