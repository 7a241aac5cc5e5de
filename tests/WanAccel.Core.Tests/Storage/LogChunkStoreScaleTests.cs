using System.Diagnostics;
using WanAccel.Core.Fingerprints;
using WanAccel.Core.Storage;
using Xunit.Abstractions;

namespace WanAccel.Core.Tests.Storage;

/// <summary>
/// Reopen time of a multi-GB store (8 KiB chunks, default 64 MiB segments, 10 GiB capacity). Run with
/// <c>WANACCEL_STORE_SCALE_GB=6 dotnet test -c Release --filter LogChunkStoreScaleTests --logger "console;verbosity=detailed"</c>.
/// Asserts counts only; the timings are printed.
/// </summary>
public sealed class LogChunkStoreScaleTests(ITestOutputHelper output)
{
    private const int ChunkSize = 8 * 1024;

    [ScaleFact]
    public void Open_MultiGigabyteStore_FindsEveryChunk()
    {
        double gigabytes = double.Parse(Environment.GetEnvironmentVariable(ScaleFactAttribute.Variable)!, System.Globalization.CultureInfo.InvariantCulture);
        string? keep = Environment.GetEnvironmentVariable("WANACCEL_STORE_SCALE_DIR");
        using var temporary = new StoreDirectory();
        var options = new ChunkStoreOptions { Path = keep ?? temporary.Path };
        int count = (int)(gigabytes * (1L << 30) / ChunkSize);
        var random = new Random(1);
        var pool = new byte[64 << 20];
        random.NextBytes(pool);
        Span<byte> raw = stackalloc byte[ChunkId.Size];

        bool exists = Directory.Exists(options.Path) && Directory.GetFiles(options.Path, "seg-*.log").Length > 0;
        if (!exists)
        {
            var write = Stopwatch.StartNew();
            using var store = LogChunkStore.Open(options);
            for (int i = 0; i < count; i++)
            {
                random.NextBytes(raw);
                store.TryAdd(ChunkId.Read(raw), pool.AsSpan((int)(i * 4093L % (pool.Length - ChunkSize)), ChunkSize));
            }

            output.WriteLine($"wrote {count} chunks ({store.GetStatistics().UsedBytes / 1e9:F2} GB) in {write.Elapsed.TotalSeconds:F1} s");
        }

        var open = Stopwatch.StartNew();
        using var reopened = LogChunkStore.Open(options);
        open.Stop();
        var statistics = reopened.GetStatistics();
        output.WriteLine($"reopened {statistics.ChunkCount} chunks, {statistics.UsedBytes / 1e9:F2} GB, in {open.Elapsed.TotalSeconds:F2} s; " +
            $"index {statistics.IndexMemoryBytes / 1e6:F1} MB = {(double)statistics.IndexMemoryBytes / statistics.ChunkCount:F1} B/chunk");

        Assert.Equal(count, statistics.ChunkCount);
    }
}
