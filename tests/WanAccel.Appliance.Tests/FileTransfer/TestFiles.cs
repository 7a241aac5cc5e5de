using System.Security.Cryptography;

namespace WanAccel.Appliance.Tests.FileTransfer;

/// <summary>Test inputs: disk-like files with data, zero runs and holes; hashes; allocated size on disk.</summary>
internal static class TestFiles
{
    /// <summary>
    /// A file of <paramref name="blocks"/> 64 KiB blocks: every 4th a hole, every 4th zeros written as data, the rest
    /// pseudo-random text-like data (compressible about 2×) from <paramref name="seed"/>.
    /// </summary>
    public static void WriteDiskLike(string path, int blocks, int seed)
    {
        var random = new Random(seed);
        var block = new byte[64 * 1024];
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write);
        file.SetLength((long)blocks * block.Length);
        for (var i = 0; i < blocks; i++)
        {
            switch (i % 4)
            {
                case 1:
                    continue; // hole
                case 3:
                    Array.Clear(block);
                    break;
                default:
                    FillCompressible(random, block);
                    break;
            }

            file.Position = (long)i * block.Length;
            file.Write(block);
        }
    }

    /// <summary>Overwrites <paramref name="fraction"/> of the data blocks of a file made by <see cref="WriteDiskLike"/>.</summary>
    public static int Modify(string path, double fraction, int seed)
    {
        var random = new Random(seed);
        var block = new byte[64 * 1024];
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        var blocks = (int)(file.Length / block.Length);
        var changed = Math.Max(1, (int)(blocks * fraction));
        for (var i = 0; i < changed; i++)
        {
            var at = random.Next(blocks / 4) * 4; // a data block
            FillCompressible(random, block);
            file.Position = (long)at * block.Length;
            file.Write(block);
        }

        return changed;
    }

    public static string Sha256(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(file));
    }

    /// <summary>Bytes the file system allocated for <paramref name="path"/> (st_blocks × 512).</summary>
    public static long AllocatedBytes(string path)
    {
        var output = Tool.Run("stat", ["-c", "%b %B", path]).Split(' ');
        return long.Parse(output[0]) * long.Parse(output[1]);
    }

    private static void FillCompressible(Random random, byte[] block)
    {
        // Words from a small alphabet: compressible like text or binaries, never all zero.
        for (var i = 0; i < block.Length; i++)
        {
            block[i] = (byte)('a' + random.Next(16));
        }
    }
}
