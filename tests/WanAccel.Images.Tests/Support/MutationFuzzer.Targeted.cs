using System.Diagnostics;
using WanAccel.Images.Containers;

namespace WanAccel.Images.Tests.Containers.Vhd;

/// <summary>
/// Seeded mutation fuzzing of image files: mutates a seed (bit flips, interesting values in fields, truncation),
/// optionally re-seals checksums so mutations reach past them, writes it in place, then opens, maps and reads it.
/// Only <see cref="ImageFormatException"/> may escape; every execution runs under a watchdog so a hang fails too.
/// Shared by the VHD and VHDX fuzz tests.
/// </summary>
internal sealed class VhdFuzzHarness
{
    private static readonly ulong[] s_interesting =
    [
        0, 1, 2, 3, 6, 7, 0x7F, 0x80, 0xFF, 0x100, 0x1FF, 0x200, 0xFFFF, 0x10000, 0x100000, 0x7FFFFFFF, 0x80000000,
        0xFFFFFFFF, 0x100000000, 0x7FFFFFFFFFFFFFFF, 0x8000000000000000, ulong.MaxValue,
    ];

    public sealed record Result(int Executions, int Opened, int Rejected, Dictionary<ImageError, int> Errors);

    /// <param name="path">The file the image under test lives in (other chain files sit next to it, untouched).</param>
    /// <param name="seed">Its pristine bytes.</param>
    /// <param name="targets">Byte ranges worth mutating (metadata); 10% of mutations go anywhere.</param>
    /// <param name="reseal">Recomputes checksums in a mutated copy (half the executions); returns the ranges it rewrote.</param>
    public static Result Run(string path, byte[] seed, (long Offset, long Length)[] targets, Func<byte[], IEnumerable<(long Offset, int Length)>>? reseal, int randomSeed, int maxExecutions, TimeSpan budget)
    {
        var rng = new Random(randomSeed);
        var work = (byte[])seed.Clone();
        File.WriteAllBytes(path, seed);
        var errors = new Dictionary<ImageError, int>();
        int executions = 0, opened = 0, rejected = 0;
        var clock = Stopwatch.StartNew();
        while (executions < maxExecutions && clock.Elapsed < budget)
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
                dirty.Add(Mutate(work, at, rng));
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

            var iteration = executions;
            var run = Task.Run(() => Execute(path, rng.Next()));
            if (!run.Wait(TimeSpan.FromSeconds(20)))
            {
                throw new TimeoutException($"fuzz execution {iteration} (seed {randomSeed}) did not finish in 20 s");
            }

            if (run.Result is { } error)
            {
                rejected++;
                errors[error] = errors.GetValueOrDefault(error) + 1;
            }
            else
            {
                opened++;
            }

            executions++;

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

        return new Result(executions, opened, rejected, errors);
    }

    /// <summary>Opens, maps and reads; returns the typed error, null on success; anything else propagates (a bug).</summary>
    private static ImageError? Execute(string path, int seed)
    {
        try
        {
            using var disk = DiskImage.Open(path);
            var map = disk.GetAllocationMap();
            long pos = 0;
            foreach (var e in map)
            {
                if (e.Offset != pos || e.Length <= 0)
                {
                    throw new InvalidOperationException($"malformed map at {e.Offset}");
                }

                pos = e.End;
            }

            if (pos != disk.Length)
            {
                throw new InvalidOperationException($"map covers {pos} of {disk.Length}");
            }

            var rng = new Random(seed);
            var buffer = new byte[64 * 1024];
            for (var i = 0; i < 4 && disk.Length > 0; i++)
            {
                var offset = i == 0 ? Math.Max(0, disk.Length - 1000) : rng.NextInt64(disk.Length);
                var n = disk.ReadAt(offset, buffer.AsSpan(0, rng.Next(1, buffer.Length)));
                if (n <= 0)
                {
                    throw new InvalidOperationException($"empty read at {offset} of {disk.Length}");
                }
            }

            return null;
        }
        catch (ImageFormatException ex)
        {
            return ex.Error;
        }
    }

    private static (long Offset, int Length) Mutate(byte[] work, long at, Random rng)
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
