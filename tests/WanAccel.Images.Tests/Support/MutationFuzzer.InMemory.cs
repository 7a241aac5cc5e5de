using System.Diagnostics;
using WanAccel.Images.IO;

namespace WanAccel.Images.Tests.Support;

/// <summary>
/// In-memory targeted mutation for parsers that take a volume or a whole disk as an <see cref="IByteSource"/>
/// (partition tables, guest file systems, the regions map): same mutations as <see cref="RunTargeted"/>, 10% of the
/// executions see a truncated source, and <paramref name="fixup"/> may re-seal checksums after mutating.
/// </summary>
internal static partial class MutationFuzzer
{
    /// <param name="image">The pristine image; mutated in place and restored after every execution.</param>
    /// <param name="targets">Byte ranges holding the metadata the parser reads; 10% of mutations go anywhere.</param>
    /// <param name="parse">The parser under test.</param>
    /// <param name="fixup">Optional step after mutating, e.g. recomputing CRCs so mutations reach the checks behind them; it may only write inside <paramref name="targets"/>.</param>
    public static FuzzStats RunInMemory(
        byte[] image,
        (long Offset, long Length)[] targets,
        Action<IByteSource> parse,
        int randomSeed,
        int maxExecutions,
        TimeSpan budget,
        Action<byte[], Random>? fixup = null)
    {
        var rng = new Random(randomSeed);
        var snapshots = targets.Select(t => image.AsSpan((int)t.Offset, (int)t.Length).ToArray()).ToArray();
        var pristine = new List<(long Offset, byte[] Old)>();
        var stats = new FuzzStats();
        var clock = Stopwatch.StartNew();
        while (stats.Executions < maxExecutions && clock.Elapsed < budget)
        {
            for (var m = 1 + rng.Next(8); m > 0; m--)
            {
                var (start, length) = rng.Next(10) == 0 ? (0L, (long)image.Length) : targets[rng.Next(targets.Length)];
                var at = start + rng.NextInt64(Math.Max(1, length));
                var before = image.AsSpan((int)at, (int)Math.Min(8, image.Length - at)).ToArray();
                pristine.Add((at, before));
                MutateAt(image, at, rng);
            }

            fixup?.Invoke(image, rng);
            var source = new MemoryByteSource(image, rng.Next(10) == 0 ? rng.NextInt64(image.Length) : null);
            var iteration = stats.Executions;
            var run = Task.Run(() =>
            {
                try
                {
                    parse(source);
                    return (ImageError?)null;
                }
                catch (ImageFormatException e)
                {
                    return e.Error;
                }
            });
            bool finished;
            try
            {
                finished = run.Wait(s_perMutant);
            }
            catch (AggregateException e)
            {
                throw new Xunit.Sdk.XunitException($"execution {iteration} (seed {randomSeed}) escaped: {e.InnerException}");
            }

            if (!finished)
            {
                throw new Xunit.Sdk.XunitException($"execution {iteration} (seed {randomSeed}) ran longer than {s_perMutant}");
            }

            stats.Count(run.Result);

            // Undo in reverse order (mutations may overlap), then the targets again (the fixup writes there).
            for (var i = pristine.Count - 1; i >= 0; i--)
            {
                pristine[i].Old.CopyTo(image.AsSpan((int)pristine[i].Offset));
            }

            pristine.Clear();
            for (var t = 0; t < targets.Length; t++)
            {
                snapshots[t].CopyTo(image.AsSpan((int)targets[t].Offset));
            }
        }

        stats.Elapsed = clock.Elapsed;
        return stats;
    }
}
