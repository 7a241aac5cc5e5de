using Microsoft.Extensions.Logging.Abstractions;
using WanAccel.Appliance.FileTransfer.Protocol;
using WanAccel.Appliance.WanEmulation;
using WanAccel.Cli.Bench;
using WanAccel.Cli.Commands;

namespace WanAccel.Cli.Tests.Bench;

public sealed class CpBenchTests
{
    [Fact]
    public async Task RunAsync_ColdWarmChanged_AllVerified_WarmAndChangedSendAFraction()
    {
        var dir = Directory.CreateTempSubdirectory("wanaccel-cpbench-");
        try
        {
            var v1 = Path.Combine(dir.FullName, "v1.img");
            var v2 = Path.Combine(dir.FullName, "v2.img");
            SampleImage.Generate(v1, 24L << 20);
            File.Copy(v1, v2);
            ChangeBlocks(v2, fraction: 0.02);
            var link = new WanEmulatorOptions { RateBitsPerSecond = 1_000_000_000, Rtt = TimeSpan.FromMilliseconds(4) };
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));

            var result = await CpBench.RunAsync(v1, v2, SendPolicy.Exact, link, "lz4", measureNative: false, dir.FullName, new WanRun.SilentProgress(), NullLoggerFactory.Instance, timeout.Token);

            Assert.True(result.Verified);
            Assert.Equal(24L << 20, result.InputBytes);
            Assert.False(result.Native.Measured);
            Assert.True(result.Cold.DiskBytesRead <= result.InputBytes);
            Assert.True(result.Warm.WanBytes * 20 < result.Cold.WanBytes, $"cold {result.Cold.WanBytes}, warm {result.Warm.WanBytes}");
            Assert.NotNull(result.Changed);
            Assert.True(result.Changed.WanBytes * 5 < result.Cold.WanBytes, $"cold {result.Cold.WanBytes}, changed {result.Changed.WanBytes}");
            Assert.True(result.Changed.BasisBytes > result.InputBytes / 2, $"basis {result.Changed.BasisBytes}");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static void ChangeBlocks(string path, double fraction)
    {
        var random = new Random(9);
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        var blocks = (int)(file.Length / 65536);
        var block = new byte[65536];
        for (var i = 0; i < blocks * fraction; i++)
        {
            random.NextBytes(block);
            file.Position = random.Next(blocks) * 65536L;
            file.Write(block);
        }
    }
}
