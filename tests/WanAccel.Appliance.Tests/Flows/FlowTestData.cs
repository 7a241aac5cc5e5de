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

    /// <summary>Compressible but never repeating: log lines with random fields (LZ4 about 0.5, zstd better).</summary>
    public static byte[] Text(int length, int seed)
    {
        var rng = new Random(seed);
        var text = new System.Text.StringBuilder(length + 128);
        for (var line = 0; text.Length < length; line++)
        {
            text.Append($"{line:D8} peer=edge-{rng.Next(16)} flow={rng.Next(100_000)} bytes={rng.Next(1 << 20)} codec={(rng.Next(2) == 0 ? "lz4" : "zstd")} state=open\n");
        }

        return System.Text.Encoding.ASCII.GetBytes(text.ToString(0, length));
    }
}
