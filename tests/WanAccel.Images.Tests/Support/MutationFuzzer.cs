using System.Buffers.Binary;
using System.Diagnostics;
using WanAccel.Images.Containers;

namespace WanAccel.Images.Tests.Support;

/// <summary>
/// Seeded mutation fuzzing of image files, for every format: each mutant is opened, mapped and read a few times;
/// only success or <see cref="ImageFormatException"/> may come out, and no mutant may run past <see cref="s_perMutant"/>.
/// <see cref="Run"/> mutates anywhere (binary or descriptor text); <see cref="RunTargeted"/> aims at metadata ranges
/// and can re-seal checksums so mutations get past them.
/// </summary>
internal static partial class MutationFuzzer
{
    /// <summary>Mutants per run; raise with WANACCEL_FUZZ_ITERATIONS for a longer campaign.</summary>
    public static int Iterations =>
        int.TryParse(Environment.GetEnvironmentVariable("WANACCEL_FUZZ_ITERATIONS"), out var n) && n > 0 ? n : 3000;

    /// <summary>Wall-clock cap per run (default 60 s); WANACCEL_FUZZ_SECONDS overrides it.</summary>
    public static TimeSpan Budget =>
        TimeSpan.FromSeconds(int.TryParse(Environment.GetEnvironmentVariable("WANACCEL_FUZZ_SECONDS"), out var s) && s > 0 ? s : 60);

    /// <summary>Watchdog per mutant: a hang fails the run (VHDX log replay of a large mutant takes a few seconds).</summary>
    private static readonly TimeSpan s_perMutant = TimeSpan.FromSeconds(20);

    /// <summary>Mutates <paramref name="seedFile"/> in place <see cref="Iterations"/> times (restoring it after), opening <paramref name="openPath"/> each time.</summary>
    public static FuzzStats Run(string seedFile, string openPath, int seed, bool text = false)
    {
        var original = File.ReadAllBytes(seedFile);
        var rng = new Random(seed);
        var stats = new FuzzStats();
        var clock = Stopwatch.StartNew();
        try
        {
            for (var i = 0; i < Iterations && clock.Elapsed < Budget; i++)
            {
                var mutant = text ? MutateText(original, rng) : Mutate(original, rng);
                File.WriteAllBytes(seedFile, mutant);
                var readSeed = rng.Next();
                var run = Task.Run(() => Exercise(openPath, readSeed));
                bool finished;
                try
                {
                    finished = run.Wait(s_perMutant);
                }
                catch (AggregateException e)
                {
                    var failed = Path.Combine(Path.GetTempPath(), $"wanaccel-fuzz-{seed}-{i}.bin");
                    File.WriteAllBytes(failed, mutant);
                    throw new Xunit.Sdk.XunitException($"mutant {i} (seed {seed}, saved as {failed}) escaped: {e.InnerException}");
                }

                if (!finished)
                {
                    var failed = Path.Combine(Path.GetTempPath(), $"wanaccel-fuzz-{seed}-{i}.bin");
                    File.WriteAllBytes(failed, mutant);
                    throw new Xunit.Sdk.XunitException($"mutant {i} (seed {seed}, saved as {failed}) ran longer than {s_perMutant}");
                }

                stats.Count(run.Result);
            }
        }
        finally
        {
            File.WriteAllBytes(seedFile, original);
        }

        stats.Elapsed = clock.Elapsed;
        return stats;
    }

    /// <summary>Opens, maps and reads; returns the typed error, null on success; anything else propagates (a bug).</summary>
    private static ImageError? Exercise(string path, int seed)
    {
        try
        {
            using var disk = DiskImage.Open(path);
            var map = disk.GetAllocationMap();
            QemuOracle.AssertWellFormed(map, disk.Length);
            var rng = new Random(seed);
            var buffer = new byte[64 * 1024];
            foreach (var e in map.Take(4))
            {
                disk.ReadAt(e.Offset, buffer.AsSpan(0, (int)Math.Min(buffer.Length, e.Length)));
            }

            for (var k = 0; k < 4 && disk.Length > 0; k++)
            {
                // The tail first (last block cut short, footers), then random offsets and lengths.
                var offset = k == 0 ? Math.Max(0, disk.Length - 1000) : rng.NextInt64(0, disk.Length);
                var n = disk.ReadAt(offset, buffer.AsSpan(0, rng.Next(1, buffer.Length)));
                if (n <= 0)
                {
                    throw new InvalidOperationException($"empty read at {offset} of {disk.Length}");
                }
            }

            _ = disk.Chain;
            _ = disk.FileSize;
            return null;
        }
        catch (ImageFormatException e)
        {
            return e.Error;
        }
    }

    private static byte[] Mutate(byte[] original, Random rng)
    {
        var bytes = (byte[])original.Clone();
        var ops = 1 + rng.Next(4);
        for (var k = 0; k < ops; k++)
        {
            // Half of the mutations land in the first 1 KiB (headers), the rest anywhere (tables, data).
            var area = rng.Next(2) == 0 ? Math.Min(bytes.Length, 1024) : bytes.Length;
            if (area < 8)
            {
                break;
            }

            switch (rng.Next(10))
            {
                case 0:
                case 1:
                case 2:
                    bytes[rng.Next(area)] ^= (byte)(1 << rng.Next(8));
                    break;
                case 3:
                case 4:
                    bytes[rng.Next(area)] = (byte)rng.Next(256);
                    break;
                case 5:
                case 6:
                case 7:
                    var at = rng.Next(area - 8) & ~3;
                    var value = Interesting(rng, bytes.Length);
                    if (rng.Next(2) == 0)
                    {
                        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(at), value);
                    }
                    else if (rng.Next(2) == 0)
                    {
                        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at), (uint)value);
                    }
                    else
                    {
                        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(at), value);
                    }

                    break;
                case 8:
                    return bytes[..rng.Next(bytes.Length)];
                default:
                    var grown = new byte[bytes.Length + rng.Next(1, 4096)];
                    bytes.CopyTo(grown, 0);
                    rng.NextBytes(grown.AsSpan(bytes.Length));
                    bytes = grown;
                    break;
            }
        }

        return bytes;
    }

    private static byte[] MutateText(byte[] original, Random rng)
    {
        var list = new List<byte>(original);
        var ops = 1 + rng.Next(3);
        for (var k = 0; k < ops && list.Count > 0; k++)
        {
            var at = rng.Next(list.Count);
            switch (rng.Next(6))
            {
                case 0:
                    list[at] = (byte)rng.Next(256);
                    break;
                case 1:
                    list.RemoveAt(at);
                    break;
                case 2:
                    list.InsertRange(at, "9999999999"u8.ToArray()[..rng.Next(1, 11)]);
                    break;
                case 3:
                    list.Insert(at, (byte)"\"\n =#"[rng.Next(5)]);
                    break;
                case 4:
                    var digit = list.FindIndex(at, b => b is >= (byte)'0' and <= (byte)'9');
                    if (digit >= 0)
                    {
                        list[digit] = (byte)('0' + rng.Next(10));
                    }

                    break;
                default:
                    var line = list.LastIndexOf((byte)'\n', at);
                    list.InsertRange(line + 1, "RW 1 ZERO\n"u8.ToArray());
                    break;
            }
        }

        return [.. list];
    }

    private static ulong Interesting(Random rng, long fileLength) => rng.Next(12) switch
    {
        0 => 0,
        1 => 1,
        2 => ulong.MaxValue,
        3 => long.MaxValue,
        4 => 0x8000_0000_0000_0000,
        5 => (ulong)fileLength,
        6 => (ulong)(fileLength + 512),
        7 => 1UL << rng.Next(64),
        8 => uint.MaxValue,
        9 => (ulong)rng.Next(0, 64),
        10 => (ulong)rng.NextInt64(0, fileLength + 1) & ~511UL,
        _ => (ulong)rng.NextInt64(),
    };
}
