using System.Diagnostics;
using WanAccel.Images.IO;

namespace WanAccel.Images.Tests.Support;

/// <summary>
/// Seeded mutation fuzzing of a parser over a real image: each execution overwrites a few bytes or words (mostly in the
/// metadata "hot zones", some anywhere) and sometimes truncates, runs the parser, then restores the image.
/// The only acceptable outcomes are success or <see cref="ImageFormatException"/>; anything else, or a parse that
/// runs longer than <see cref="HangLimit"/>, fails with the seed and execution number to replay it.
/// </summary>
internal static class VolumeMutationFuzzer
{
    public static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(10);

    private static readonly ulong[] s_interesting =
    [
        0, 1, 2, 7, 8, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF,
        0x100000000, 0x7FFFFFFFFFFFFFFF, 0x8000000000000000, 0xFFFFFFFFFFFFFFFF,
    ];

    public sealed record Result(int Executions, int Succeeded, Dictionary<ImageError, int> Rejected)
    {
        public override string ToString() =>
            $"{Executions} executions: {Succeeded} parsed, {Rejected.Values.Sum()} rejected ({string.Join(", ", Rejected.OrderBy(k => k.Key).Select(k => $"{k.Key} {k.Value}"))}), 0 crashes/hangs";
    }

    /// <param name="image">Base image; mutated in place and restored after every execution.</param>
    /// <param name="hotZones">Byte ranges holding the metadata the parser reads.</param>
    /// <param name="fixup">Optional step after mutating (e.g. recompute checksums so the mutation reaches deeper checks).</param>
    public static Result Run(byte[] image, IReadOnlyList<(int Offset, int Length)> hotZones, Action<IByteSource> parse,
        int seed, int executions, TimeSpan budget, Action<byte[], Random>? fixup = null)
    {
        var rng = new Random(seed);
        var snapshots = hotZones.Select(z => image.AsSpan(z.Offset, z.Length).ToArray()).ToArray();
        var undo = new List<(int Offset, byte[] Old)>();
        var rejected = new Dictionary<ImageError, int>();
        var succeeded = 0;
        var clock = Stopwatch.StartNew();
        var done = 0;
        for (; done < executions && clock.Elapsed < budget; done++)
        {
            var mutations = 1 + rng.Next(8);
            for (var m = 0; m < mutations; m++)
            {
                var width = rng.Next(4) switch { 0 => 1, 1 => 2, 2 => 4, _ => 8 };
                int pos;
                if (rng.Next(10) < 8)
                {
                    var zone = hotZones[rng.Next(hotZones.Count)];
                    pos = zone.Offset + rng.Next(Math.Max(1, zone.Length - width));
                }
                else
                {
                    pos = rng.Next(image.Length - width);
                }

                undo.Add((pos, image.AsSpan(pos, width).ToArray()));
                var value = rng.Next(3) == 0 ? (ulong)rng.NextInt64() : s_interesting[rng.Next(s_interesting.Length)];
                if (width == 1)
                {
                    image[pos] = rng.Next(2) == 0 ? (byte)value : (byte)(image[pos] ^ (1 << rng.Next(8)));
                }
                else
                {
                    var bytes = BitConverter.GetBytes(value); // little-endian on every supported platform
                    bytes.AsSpan(0, width).CopyTo(image.AsSpan(pos));
                }
            }

            fixup?.Invoke(image, rng);
            long? length = rng.Next(10) == 0 ? rng.NextInt64(image.Length) : null;
            var source = new MemoryByteSource(image, length);
            var task = Task.Run(() =>
            {
                try
                {
                    parse(source);
                    return (ImageError?)null;
                }
                catch (ImageFormatException ex)
                {
                    return ex.Error;
                }
            });
            if (!task.Wait(HangLimit))
            {
                throw new TimeoutException($"seed {seed} execution {done}: parser ran longer than {HangLimit}");
            }

            if (task.IsFaulted)
            {
                throw new InvalidOperationException($"seed {seed} execution {done}: parser threw {task.Exception!.InnerException!.GetType().Name}", task.Exception.InnerException);
            }

            if (task.Result is { } error)
            {
                rejected[error] = rejected.GetValueOrDefault(error) + 1;
            }
            else
            {
                succeeded++;
            }

            for (var i = undo.Count - 1; i >= 0; i--)
            {
                undo[i].Old.CopyTo(image.AsSpan(undo[i].Offset));
            }

            undo.Clear();
            for (var z = 0; z < hotZones.Count; z++)
            {
                snapshots[z].CopyTo(image.AsSpan(hotZones[z].Offset));
            }
        }

        return new Result(done, succeeded, rejected);
    }
}
