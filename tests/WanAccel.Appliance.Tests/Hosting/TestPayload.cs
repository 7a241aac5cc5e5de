using System.Security.Cryptography;

namespace WanAccel.Appliance.Tests.Hosting;

/// <summary>Deterministic payloads that look like real files: compressible text-like runs, random blocks and zeros.</summary>
internal static class TestPayload
{
    public static byte[] Create(int length, int seed)
    {
        var random = new Random(seed);
        var words = Enumerable.Range(0, 512).Select(_ => RandomWord(random)).ToArray();
        var data = new byte[length];
        var at = 0;
        while (at < length)
        {
            var n = Math.Min(length - at, random.Next(4096, 64 * 1024));
            // Files start with structure, not noise (a random head would make the whole stream pass through).
            switch (at == 0 ? 2 : random.Next(6))
            {
                case 0:
                    random.NextBytes(data.AsSpan(at, n));
                    break;
                case 1:
                    break; // zeros
                default:
                    for (var i = at; i < at + n;)
                    {
                        var word = words[random.Next(words.Length)];
                        var take = Math.Min(word.Length, at + n - i);
                        word.AsSpan(0, take).CopyTo(data.AsSpan(i));
                        i += take;
                    }

                    break;
            }

            at += n;
        }

        return data;
    }

    /// <summary><paramref name="head"/> random bytes (an image, an archive's first member), then a disk-like payload.</summary>
    public static byte[] RandomHead(int head, int length, int seed)
    {
        var data = Create(length, seed);
        new Random(seed).NextBytes(data.AsSpan(0, head));
        return data;
    }

    public static string Hash(ReadOnlySpan<byte> data) => Convert.ToHexString(SHA256.HashData(data));

    /// <summary>Asserts that the file at <paramref name="path"/> holds exactly <paramref name="expected"/> (SHA-256).</summary>
    public static void AssertFileHolds(ReadOnlySpan<byte> expected, string path) => Assert.Equal(Hash(expected), Hash(File.ReadAllBytes(path)));

    private static byte[] RandomWord(Random random)
    {
        var word = new byte[random.Next(3, 12) + 1];
        for (var i = 0; i < word.Length - 1; i++)
        {
            word[i] = (byte)('a' + random.Next(26));
        }

        word[^1] = (byte)' ';
        return word;
    }
}
