using System.Security.Cryptography;
using System.Text.Json;
using WanAccel.Images.Containers;
using WanAccel.Images.Tests.Support;

namespace WanAccel.Images.Tests.Containers.Vhd;

/// <summary>Ground-truth helpers shared by the VHD and VHDX tests: patterned raw images, qemu-img oracles, hashing.</summary>
internal static class VhdTestSupport
{
    /// <summary>
    /// Writes a sparse raw image of <paramref name="size"/> bytes: zeros, plus <paramref name="blocks"/> random
    /// 64 KiB blocks at scattered 4 KiB-aligned offsets (some straddle 2 MiB boundaries).
    /// </summary>
    public static void CreatePatternedRaw(string path, long size, int seed, int blocks = 12)
    {
        var rng = new Random(seed);
        using var fs = new FileStream(path, FileMode.Create, FileAccess.Write);
        fs.SetLength(size);
        var buffer = new byte[64 * 1024];
        for (var i = 0; i < blocks; i++)
        {
            rng.NextBytes(buffer);
            var offset = i == 0 ? (2L << 20) - 8192 : rng.NextInt64(0, (size - buffer.Length) / 4096) * 4096;
            fs.Position = offset;
            fs.Write(buffer);
        }
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

    public static string Sha256(string file)
    {
        using var fs = File.OpenRead(file);
        return Convert.ToHexString(SHA256.HashData(fs));
    }

    /// <summary>qemu-img's raw conversion of <paramref name="image"/> (explicit format: qemu probes fixed VHDs as raw).</summary>
    public static string QemuToRaw(TempDir dir, string image, string format)
    {
        var raw = dir.File(Path.GetFileName(image) + ".qemu.raw");
        Tool.Run("qemu-img", "convert", "-f", format, "-O", "raw", image, raw);
        return raw;
    }

    public static long QemuVirtualSize(string image, string format)
    {
        using var doc = JsonDocument.Parse(Tool.Run("qemu-img", "info", "-f", format, "--output=json", image));
        return doc.RootElement.GetProperty("virtual-size").GetInt64();
    }

    /// <summary>qemu-img map as (offset, length, data) runs, adjacent runs with equal data flags merged.</summary>
    public static List<(long Offset, long Length, bool Data)> QemuDataMap(string image, string format)
    {
        using var doc = JsonDocument.Parse(Tool.Run("qemu-img", "map", "-f", format, "--output=json", image));
        var runs = new List<(long Offset, long Length, bool Data)>();
        foreach (var e in doc.RootElement.EnumerateArray())
        {
            AddRun(runs, e.GetProperty("start").GetInt64(), e.GetProperty("length").GetInt64(), e.GetProperty("data").GetBoolean());
        }

        return runs;
    }

    /// <summary>Our map in the same shape: allocated = data.</summary>
    public static List<(long Offset, long Length, bool Data)> DataMap(IReadOnlyList<DiskExtent> map)
    {
        var runs = new List<(long Offset, long Length, bool Data)>();
        foreach (var e in map)
        {
            AddRun(runs, e.Offset, e.Length, e.Kind == ExtentKind.Allocated);
        }

        return runs;
    }

    /// <summary>Asserts the map is sorted, gap-free, merged and covers exactly [0, length).</summary>
    public static void AssertWellFormed(IReadOnlyList<DiskExtent> map, long length)
    {
        long pos = 0;
        DiskExtent? previous = null;
        foreach (var e in map)
        {
            Assert.Equal(pos, e.Offset);
            Assert.True(e.Length > 0);
            if (previous is { } p)
            {
                var mergeable = p.Kind == e.Kind && p.Layer == e.Layer
                    && (e.Kind != ExtentKind.Allocated || p.FileOffset + p.Length == e.FileOffset);
                Assert.False(mergeable, $"extents at {p.Offset} and {e.Offset} should have been merged");
            }

            previous = e;
            pos = e.End;
        }

        Assert.Equal(length, pos);
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
