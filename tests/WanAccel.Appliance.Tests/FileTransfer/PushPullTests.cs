using System.Runtime.Versioning;
using WanAccel.Appliance.FileTransfer;
using WanAccel.Appliance.WanEmulation;

namespace WanAccel.Appliance.Tests.FileTransfer;

/// <summary>wanaccel cp through a real pair: push and pull of a plain sparse file, verified, sparse on arrival; warm, changed and resumed copies.</summary>
[SupportedOSPlatform("linux")]
public sealed class PushPullTests
{
    private const int Blocks = 128; // 8 MiB

    [Fact]
    public async Task Push_SparseFile_ArrivesIdentical_Sparse_AndHolesAreNeverRead()
    {
        await using var bed = await FileTransferBed.StartAsync();
        var source = Path.Combine(bed.Local, "disk.img");
        TestFiles.WriteDiskLike(source, Blocks, seed: 1);

        var report = await bed.PushAsync(source, "/rw/");

        var target = Path.Combine(bed.ReadWrite, "disk.img");
        Assert.Equal(TestFiles.Sha256(source), TestFiles.Sha256(target));
        Assert.Equal(report.Sha256, TestFiles.Sha256(target));
        Assert.Equal(Blocks / 2 * 64L * 1024, report.ZeroBytes); // holes (never read) + zero blocks (read, sent as HOLE)
        Assert.Equal(3L * Blocks / 4 * 64 * 1024, report.DiskBytesRead);
        Assert.True(TestFiles.AllocatedBytes(target) <= Blocks / 2 * 64 * 1024 + (64 * 1024), $"allocated {TestFiles.AllocatedBytes(target)}");
        Assert.False(File.Exists(Path.Combine(bed.ReadWrite, ".disk.img.wanaccel-part")));
        Assert.True(report.WanBytes < new FileInfo(source).Length * 6 / 10, $"WAN {report.WanBytes}"); // half the file is zeros or holes
    }

    [Fact]
    public async Task PushAndPull_OverAnEmulatedWan_ArriveIdentical()
    {
        var wan = new WanEmulatorOptions { RateBitsPerSecond = 200_000_000, Rtt = TimeSpan.FromMilliseconds(40) };
        await using var bed = await FileTransferBed.StartAsync(wan);
        var source = Path.Combine(bed.Local, "disk.img");
        TestFiles.WriteDiskLike(source, Blocks, seed: 8);

        await bed.PushAsync(source, "/rw/");
        await bed.PullAsync("/rw/disk.img", Path.Combine(bed.Local, "back.img"));

        Assert.Equal(TestFiles.Sha256(source), TestFiles.Sha256(Path.Combine(bed.ReadWrite, "disk.img")));
        Assert.Equal(TestFiles.Sha256(source), TestFiles.Sha256(Path.Combine(bed.Local, "back.img")));
        Assert.True(bed.Pair.Wan!.Statistics.ClientToTarget.BytesOut < new FileInfo(source).Length * 6 / 10);
    }

    [Fact]
    public async Task Pull_File_ArrivesIdentical_WithModeAndTime_UnderPreserve()
    {
        await using var bed = await FileTransferBed.StartAsync();
        var source = Path.Combine(bed.ReadOnly, "disk.img");
        TestFiles.WriteDiskLike(source, Blocks, seed: 2);
        File.SetUnixFileMode(source, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        File.SetLastWriteTimeUtc(source, new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc));
        var target = Path.Combine(bed.Local, "copy.img");

        var report = await bed.PullAsync("/ro/disk.img", target, new TransferOptions { Preserve = true });

        Assert.Equal(TestFiles.Sha256(source), TestFiles.Sha256(target));
        Assert.Equal(report.Sha256, TestFiles.Sha256(target));
        Assert.Equal(3L * Blocks / 4 * 64 * 1024, report.DiskBytesRead);
        Assert.Equal(File.GetUnixFileMode(source), File.GetUnixFileMode(target));
        Assert.Equal(File.GetLastWriteTimeUtc(source), File.GetLastWriteTimeUtc(target));
        Assert.True(TestFiles.AllocatedBytes(target) < new FileInfo(target).Length);
    }

    [Fact]
    public async Task Push_SameFileAgainUnderAnotherName_SendsAFractionOverTheWan()
    {
        await using var bed = await FileTransferBed.StartAsync();
        var source = Path.Combine(bed.Local, "disk.img");
        TestFiles.WriteDiskLike(source, Blocks, seed: 3);

        var cold = await bed.PushAsync(source, "/rw/cold.img");
        var warm = await bed.PushAsync(source, "/rw/warm.img");

        Assert.Equal(0, warm.BasisBytes);
        Assert.True(warm.WanBytes * 20 < cold.WanBytes, $"cold {cold.WanBytes}, warm {warm.WanBytes}");
        Assert.True(warm.CacheBytes > Blocks / 4 * 64 * 1024, $"cache {warm.CacheBytes}");
        Assert.Equal(TestFiles.Sha256(source), TestFiles.Sha256(Path.Combine(bed.ReadWrite, "warm.img")));
    }

    [Fact]
    public async Task Push_TwoFilesOnOneConnection_EachReportsItsOwnWanBytes()
    {
        await using var bed = await FileTransferBed.StartAsync();
        var big = Path.Combine(bed.Local, "big.img");
        TestFiles.WriteDiskLike(big, Blocks, seed: 9);
        var small = Path.Combine(bed.Local, "small.txt");
        File.WriteAllText(small, "small");

        await using var client = await bed.ConnectAsync();
        var first = await client.PushAsync(big, "/rw/", new TransferOptions(), null, bed.Token);
        var second = await client.PushAsync(small, "/rw/", new TransferOptions(), null, bed.Token);
        await client.CloseAsync(bed.Token);

        Assert.True(first.WanBytes > 1 << 20, $"first {first.WanBytes}");
        Assert.True(second.WanBytes < 16 * 1024, $"second {second.WanBytes}");
        Assert.Equal("small", File.ReadAllText(Path.Combine(bed.ReadWrite, "small.txt")));
    }

    [Fact]
    public async Task Push_ChangedVersionOverTheOld_CopiesUnchangedBlocksFromTheBasis()
    {
        await using var bed = await FileTransferBed.StartAsync();
        var source = Path.Combine(bed.Local, "disk.img");
        TestFiles.WriteDiskLike(source, Blocks, seed: 4);
        var v1 = await bed.PushAsync(source, "/rw/disk.img");
        var changed = TestFiles.Modify(source, 0.03, seed: 5);

        var v2 = await bed.PushAsync(source, "/rw/disk.img");

        Assert.Equal(TestFiles.Sha256(source), TestFiles.Sha256(Path.Combine(bed.ReadWrite, "disk.img")));
        Assert.False(v2.Resumed); // the basis was the existing target, not a partial file
        Assert.True(v2.BasisBytes >= (Blocks / 4 - changed) * 64L * 1024, $"basis {v2.BasisBytes}");
        Assert.True(v2.WanBytes * 5 < v1.WanBytes, $"v1 {v1.WanBytes}, v2 {v2.WanBytes}");
    }

    [Fact]
    public async Task Push_InterruptedThenRepeated_ResumesFromThePartialFile()
    {
        await using var bed = await FileTransferBed.StartAsync();
        var source = Path.Combine(bed.Local, "disk.img");
        TestFiles.WriteDiskLike(source, Blocks * 2, seed: 6);
        var partial = Path.Combine(bed.ReadWrite, ".disk.img.wanaccel-part");

        using (var stop = CancellationTokenSource.CreateLinkedTokenSource(bed.Token))
        {
            var client = await bed.ConnectAsync();
            var length = new FileInfo(source).Length;
            await Assert.ThrowsAnyAsync<Exception>(() => client.PushAsync(source, "/rw/", new TransferOptions(), done =>
            {
                if (done > length * 6 / 10)
                {
                    stop.Cancel();
                }
            }, stop.Token));
            await client.DisposeAsync(); // the connection drops mid-transfer
        }

        // The far side keeps what arrived: wait (bounded) until its flow has ended and the partial file is closed.
        for (var i = 0; i < 500 && bed.Pair.Core.Flows.Active.Count > 0; i++)
        {
            await Task.Delay(10, bed.Token);
        }

        Assert.True(File.Exists(partial));
        Assert.False(File.Exists(Path.Combine(bed.ReadWrite, "disk.img")));

        var resumed = await bed.PushAsync(source, "/rw/");

        Assert.True(resumed.Resumed);
        Assert.True(resumed.BasisBytes > new FileInfo(source).Length / 4, $"basis {resumed.BasisBytes}");
        Assert.Equal(TestFiles.Sha256(source), TestFiles.Sha256(Path.Combine(bed.ReadWrite, "disk.img")));
        Assert.False(File.Exists(partial));
    }

    [Fact]
    public async Task Pull_InterruptedThenRepeated_ResumesFromTheLocalPartialFile()
    {
        await using var bed = await FileTransferBed.StartAsync();
        var source = Path.Combine(bed.ReadOnly, "disk.img");
        TestFiles.WriteDiskLike(source, Blocks * 2, seed: 10);
        var target = Path.Combine(bed.Local, "disk.img");
        var length = new FileInfo(source).Length;

        using (var stop = CancellationTokenSource.CreateLinkedTokenSource(bed.Token))
        {
            await using var client = await bed.ConnectAsync();
            await Assert.ThrowsAnyAsync<Exception>(() => client.PullAsync("/ro/disk.img", target, new TransferOptions(), null, done =>
            {
                if (done > length / 2)
                {
                    stop.Cancel();
                }
            }, stop.Token));
        }

        Assert.True(File.Exists(FileReceiver.PartialPath(target)));
        Assert.False(File.Exists(target));

        var resumed = await bed.PullAsync("/ro/disk.img", target);

        Assert.True(resumed.Resumed);
        Assert.True(resumed.BasisBytes > length / 4, $"basis {resumed.BasisBytes}");
        Assert.Equal(TestFiles.Sha256(source), TestFiles.Sha256(target));
        Assert.False(File.Exists(FileReceiver.PartialPath(target)));
    }

    [Fact]
    public async Task Push_WithoutResume_DiscardsThePartialFile()
    {
        await using var bed = await FileTransferBed.StartAsync();
        var source = Path.Combine(bed.Local, "disk.img");
        TestFiles.WriteDiskLike(source, Blocks, seed: 7);
        var partial = Path.Combine(bed.ReadWrite, ".disk.img.wanaccel-part");
        File.WriteAllBytes(partial, new byte[3 * 64 * 1024]); // zeros where the source has data: must not survive

        var report = await bed.PushAsync(source, "/rw/", new TransferOptions { Resume = false });

        Assert.False(report.Resumed);
        Assert.Equal(TestFiles.Sha256(source), TestFiles.Sha256(Path.Combine(bed.ReadWrite, "disk.img")));
    }
}
