using System.Security.Cryptography;

namespace WanAccel.Appliance.Tests.Flows;

/// <summary>Deterministic inputs for flow tests, and a digest to compare them by.</summary>
internal static class FlowTestData
{
    public static string Hash(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>
    /// Disk-like test data: random blocks, text-like blocks and zero runs, after a text-like head as real images have (boot
    /// sector, metadata). A random first 64 KiB would be classified high-entropy and the whole stream passed through.
    /// </summary>
    public static byte[] DiskLike(int length, int seed)
    {
        var rng = new Random(seed);
        var data = new byte[length];
        for (var p = 0; p < length; p += 64 * 1024)
        {
            var n = Math.Min(64 * 1024, length - p);
            var kind = rng.Next(3);
            switch (p == 0 ? 1 : kind)
            {
                case 0:
                    rng.NextBytes(data.AsSpan(p, n));
                    break;
                case 1:
                    for (var i = 0; i < n; i++)
                    {
                        data[p + i] = (byte)"wanaccel block "[(i + seed) % 15];
                    }

                    break;
            }
        }

        return data;
    }

    public static byte[] Random(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    /// <summary>Compressible but never repeating: words from a small vocabulary in random order (LZ4 ~0.5, zstd ~0.3).</summary>
    public static byte[] Text(int length, int seed)
    {
        string[] words = ["flow", "link", "chunk", "the", "of", "cache", "zstd", "WanAccel", "block", "\n", "0x1F", "peer"];
        var rng = new Random(seed);
        var data = new byte[length];
        for (var p = 0; p < length;)
        {
            foreach (var c in words[rng.Next(words.Length)] + " ")
            {
                if (p < length)
                {
                    data[p++] = (byte)c;
                }
            }
        }

        return data;
    }
}
