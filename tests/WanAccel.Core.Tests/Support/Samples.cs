namespace WanAccel.Core.Tests.Support;

/// <summary>Deterministic test inputs.</summary>
internal static class Samples
{
    public static byte[] Random(int length, int seed)
    {
        var data = new byte[length];
        new System.Random(seed).NextBytes(data);
        return data;
    }

    /// <summary>Text-like compressible data: words from a small vocabulary.</summary>
    public static byte[] Text(int length, int seed)
    {
        string[] words = ["disk", "block", "sector", "the", "of", "image", "volume", "WanAccel", "chunk", "cache", "\n", "0x1F", "kernel"];
        var rng = new System.Random(seed);
        var data = new byte[length];
        var p = 0;
        while (p < length)
        {
            var w = System.Text.Encoding.ASCII.GetBytes(words[rng.Next(words.Length)] + " ");
            var n = Math.Min(w.Length, length - p);
            w.AsSpan(0, n).CopyTo(data.AsSpan(p));
            p += n;
        }

        return data;
    }

    /// <summary>A disk-like mix: random and text regions, long zero runs, short zero stretches and repeated blocks.</summary>
    public static byte[] DiskLike(int length, int seed)
    {
        var rng = new System.Random(seed);
        var data = new byte[length];
        var p = 0;
        var repeat = Random(64 * 1024, seed + 1);
        while (p < length)
        {
            var n = Math.Min(length - p, rng.Next(1, 256) * 1024);
            switch (rng.Next(5))
            {
                case 0:
                    rng.NextBytes(data.AsSpan(p, n));
                    break;
                case 1:
                    Text(n, rng.Next()).CopyTo(data.AsSpan(p));
                    break;
                case 2:
                    break; // zeros
                case 3:
                    for (var i = 0; i < n; i++)
                    {
                        data[p + i] = repeat[i % repeat.Length];
                    }

                    break;
                default:
                    rng.NextBytes(data.AsSpan(p, n));
                    for (var i = 0; i < n; i += 300)
                    {
                        data.AsSpan(p + i, Math.Min(100, n - i)).Clear(); // short zero stretches inside data
                    }

                    break;
            }

            p += n;
        }

        return data;
    }
}
