using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using WanAccel.Appliance.WanEmulation;
using WanAccel.Cli.Wan;

namespace WanAccel.Cli.Tests.Wan;

public sealed class WanBenchTests
{
    private sealed class CountingProgress : WanBench.IProgress
    {
        public List<string> Phases { get; } = [];

        public long Last { get; private set; }

        public void Start(string phase, long totalBytes) => Phases.Add(phase);

        public void Advance(long bytes) => Last = bytes;

        public void Done(string phase, double seconds)
        {
        }
    }

    /// <summary>The protocol runs use the real clients and servers (curl/nginx, smbclient/smbd, nfs-cp/ganesha), installed by .ci/run.</summary>
    [Theory]
    [InlineData("tcp")]
    [InlineData("http")]
    [InlineData("smb")]
    [InlineData("nfs")]
    public async Task RunAsync_DiskLikeFile_AllCopiesVerifiedAndWarmSendsAlmostNothing(string protocolName)
    {
        var protocol = Enum.Parse<WanProtocol>(protocolName, ignoreCase: true);
        var dir = Directory.CreateTempSubdirectory("wanaccel-wanbench-");
        try
        {
            var input = Path.Combine(dir.FullName, "disk.img");
            Cli.Bench.SampleImage.Generate(input, 24L << 20);
            LikeABootSector(input);
            var link = new WanEmulatorOptions { RateBitsPerSecond = 1_000_000_000, Rtt = TimeSpan.FromMilliseconds(4) };
            var progress = new CountingProgress();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));

            var result = await WanBench.RunAsync(input, protocol, link, "lz4", measureNative: true, dir.FullName, progress, NullLoggerFactory.Instance, timeout.Token);

            Assert.True(result.Verified);
            Assert.Equal(["native", "cold", "warm"], progress.Phases);
            Assert.Equal(24L << 20, result.InputBytes);
            Assert.True(result.Cold.WanBytes < result.InputBytes, $"cold {result.Cold.WanBytes}");
            Assert.True(result.Warm.WanBytes < result.InputBytes / 100, $"warm {result.Warm.WanBytes}");
            Assert.True(result.Native.Measured);
            Assert.Equal(protocolName, result.Protocol);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>
    /// Disks open with boot code and file-system metadata. The generated sample may open with a random block instead,
    /// which (rightly) passes through uncached until the stream turns dedupable, on the warm copy too.
    /// </summary>
    private static void LikeABootSector(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Write);
        var head = new byte[1 << 20];
        System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("GRUB boot sector superblock inode table ", 1 << 15))).AsSpan(0, head.Length).CopyTo(head);
        file.Write(head);
    }

    [Theory]
    [InlineData(10_000_000, 140, 0, 125_000_000L, 100.14)]      // 125 MB at 1.25 MB/s + one RTT
    [InlineData(10_000_000, 140, 65_536, 65_536_000L, 140.14)]  // window-limited: 64 KiB per 140 ms
    public void ComputedNativeSeconds_RateOrWindow_Bound(long rate, int rttMs, long window, long size, double expected)
    {
        var link = new WanEmulatorOptions { RateBitsPerSecond = rate, Rtt = TimeSpan.FromMilliseconds(rttMs), WindowBytes = window };

        Assert.Equal(expected, WanBench.ComputedNativeSeconds(size, link), precision: 2);
    }
}
