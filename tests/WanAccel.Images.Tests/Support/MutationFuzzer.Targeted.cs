using System.Diagnostics;

namespace WanAccel.Images.Tests.Support;

/// <summary>Targeted mutation: bit flips and interesting values in chosen metadata ranges, optional checksum re-sealing, rare truncation.</summary>
internal static partial class MutationFuzzer
{
    private static readonly ulong[] s_interesting =
    [
        0, 1, 2, 3, 6, 7, 0x7F, 0x80, 0xFF, 0x100, 0x1FF, 0x200, 0xFFFF, 0x10000, 0x100000, 0x7FFFFFFF, 0x80000000,
        0xFFFFFFFF, 0x100000000, 0x7FFFFFFFFFFFFFFF, 0x8000000000000000, ulong.MaxValue,
    ];

    /// <param name="path">The file the image under test lives in (other chain files sit next to it, untouched).</param>
    /// <param name="seed">Its pristine bytes.</param>
    /// <param name="targets">Byte ranges worth mutating (metadata); 10% of mutations go anywhere.</param>
    /// <param name="reseal">Recomputes checksums in a mutated copy (half the executions); returns the ranges it rewrote.</param>
    public static FuzzStats RunTargeted(string path, byte[] seed, (long Offset, long Length)[] targets, Func<byte[], IEnumerable<(long Offset, int Length)>>? reseal, int randomSeed, int maxExecutions, TimeSpan budget)
    {
        var rng = new Random(randomSeed);
        var work = (byte[])seed.Clone();
        File.WriteAllBytes(path, seed);
        var stats = new FuzzStats();
        var clock = Stopwatch.StartNew();
        while (stats.Executions < maxExecutions && clock.Elapsed < budget)
        {
            var dirty = new List<(long Offset, int Length)>();
            var mutations = 1 + rng.Next(4);
            for (var m = 0; m < mutations; m++)
            {
                var (start, length) = rng.Next(10) == 0 ? (0L, (long)work.Length) : targets[rng.Next(targets.Length)];
                length = Math.Min(length, work.Length - start);
                if (length <= 0)
                {
                    continue;
                }

                var at = start + rng.NextInt64(length);
                dirty.Add(MutateAt(work, at, rng));
            }

            if (reseal is not null && rng.Next(2) == 0)
            {
                dirty.AddRange(reseal(work));
            }

            var truncateTo = rng.Next(50) == 0 ? rng.NextInt64(work.Length) : -1;
            using (var fs = new FileStream(path, FileMode.Open, FileAccess.Write))
            {
                foreach (var (offset, length) in dirty)
                {
                    fs.Position = offset;
                    fs.Write(work, (int)offset, length);
                }

                if (truncateTo >= 0)
                {
                    fs.SetLength(truncateTo);
                }
            }

            var iteration = stats.Executions;
            var run = Task.Run(() => Exercise(path, rng.Next()));
            if (!run.Wait(s_perMutant))
            {
                throw new TimeoutException($"fuzz execution {iteration} (seed {randomSeed}) did not finish in {s_perMutant}");
            }

            stats.Count(run.Result);

            // Restore the pristine seed where it was changed.
            using (var fs = new FileStream(path, FileMode.Open, FileAccess.Write))
            {
                if (truncateTo >= 0)
                {
                    fs.Write(seed);
                    seed.CopyTo(work, 0);
                }
                else
                {
                    foreach (var (offset, length) in dirty)
                    {
                        Array.Copy(seed, offset, work, offset, length);
                        fs.Position = offset;
                        fs.Write(work, (int)offset, length);
                    }
                }
            }
        }

        stats.Elapsed = clock.Elapsed;
        return stats;
    }

    private static (long Offset, int Length) MutateAt(byte[] work, long at, Random rng)
    {
        switch (rng.Next(3))
        {
            case 0:
                work[at] ^= (byte)(1 << rng.Next(8));
                return (at, 1);
            case 1:
                work[at] = (byte)rng.Next(256);
                return (at, 1);
            default:
                var width = 1 << rng.Next(4);
                at = Math.Min(at, work.Length - width);
                var value = s_interesting[rng.Next(s_interesting.Length)];
                var bigEndian = rng.Next(2) == 0;
                for (var i = 0; i < width; i++)
                {
                    var shift = 8 * (bigEndian ? width - 1 - i : i);
                    work[at + i] = (byte)(shift < 64 ? value >> shift : 0);
                }

                return (at, width);
        }
    }
}
