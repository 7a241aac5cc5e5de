namespace WanAccel.Images.Tests.Support;

/// <summary>Sparse raw disks to convert into each container format with qemu-img (the seed content of most tests).</summary>
internal static class SampleRaw
{
    public const int Block = 64 * 1024;

    /// <summary>A sparse raw disk: random 64 KiB blocks at scattered (partly 4 KiB-aligned) offsets, a few written all-zero blocks, holes elsewhere.</summary>
    public static void Scattered(string path, long size, int seed = 1234, int blocks = 40)
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

    /// <summary>
    /// Writes a sparse raw image of <paramref name="size"/> bytes: zeros, plus <paramref name="blocks"/> random
    /// 64 KiB blocks at scattered 4 KiB-aligned offsets (some straddle 2 MiB boundaries).
    /// </summary>
    public static void Patterned(string path, long size, int seed, int blocks = 12)
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
}
