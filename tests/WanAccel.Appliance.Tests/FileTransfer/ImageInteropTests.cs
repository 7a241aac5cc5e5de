using WanAccel.Appliance.FileTransfer;
using WanAccel.Appliance.FileTransfer.Protocol;
using WanAccel.Appliance.Tests.EndToEnd;

namespace WanAccel.Appliance.Tests.FileTransfer;

/// <summary>
/// VM images made by the real tools (mkfs.ext4, debugfs, qemu-img), pushed and pulled through a real pair under both
/// policies: exact copies are byte-identical; skip-guest-free copies are valid images of the same format and virtual size
/// whose guest file system checks clean and holds every file unchanged, while less was read and sent.
/// </summary>
public sealed class ImageInteropTests
{
    [ToolFact("qemu-img", "mkfs.ext4", "debugfs", "e2fsck")]
    public Task Vmdk_PushAndPull_BothPolicies() => RoundTripAsync("vmdk");

    [ToolFact("qemu-img", "mkfs.ext4", "debugfs", "e2fsck")]
    public Task Qcow2_PushAndPull_BothPolicies() => RoundTripAsync("qcow2");

    [ToolFact("qemu-img", "mkfs.ext4", "debugfs", "e2fsck")]
    public Task Vhdx_PushAndPull_BothPolicies() => RoundTripAsync("vhdx");

    [ToolFact("qemu-img", "mkntfs", "ntfscp", "ntfsfix", "ntfscat")]
    public async Task NtfsInVhdx_PushSkipGuestFree_ChecksCleanAndKeepsEveryFile()
    {
        await using var bed = await FileTransferBed.StartAsync();
        var work = Path.Combine(bed.Local, "work");
        Directory.CreateDirectory(work);
        var image = Path.Combine(bed.Local, "win.vhdx");
        var files = NtfsImages.Make(work, "vhdx", image);

        var skip = await bed.PushAsync(image, "/rw/", new TransferOptions { Policy = SendPolicy.SkipGuestFree });
        var exact = await bed.PushAsync(image, "/rw/exact.vhdx");

        Assert.True(skip.GuestFreeBytes >= NtfsImages.StaleBytes, $"guest-free skipped {skip.GuestFreeBytes}");
        Assert.True(skip.DiskBytesRead + NtfsImages.StaleBytes <= exact.DiskBytesRead, $"read {skip.DiskBytesRead} vs {exact.DiskBytesRead}");
        Assert.Equal(TestFiles.Sha256(image), TestFiles.Sha256(Path.Combine(bed.ReadWrite, "exact.vhdx")));
        NtfsImages.AssertGuestIntact(Path.Combine(bed.ReadWrite, "win.vhdx"), files, work);
        Tool.Run("qemu-img", ["check", Path.Combine(bed.ReadWrite, "win.vhdx")]);
    }

    private static async Task RoundTripAsync(string format)
    {
        await using var bed = await FileTransferBed.StartAsync();
        var work = Path.Combine(bed.Local, "work");
        Directory.CreateDirectory(work);
        var image = Path.Combine(bed.Local, $"vm.{format}");
        var tree = Ext4Images.Make(work, format, image);
        var served = Path.Combine(bed.ReadOnly, $"vm.{format}");
        File.Copy(image, served);
        var sha = TestFiles.Sha256(image);
        var skip = new TransferOptions { Policy = SendPolicy.SkipGuestFree };

        // Push: each policy with a cold cache (exact through a second pair), so WAN bytes compare like for like.
        var pushSkip = await bed.PushAsync(image, "/rw/skip." + format, skip);
        TransferReport pushExact;
        await using (var cold = await FileTransferBed.StartAsync())
        {
            pushExact = await cold.PushAsync(image, "/rw/exact." + format);
            Assert.Equal(sha, TestFiles.Sha256(Path.Combine(cold.ReadWrite, "exact." + format)));
        }

        Assert.Equal(0, pushExact.GuestFreeBytes);
        Assert.True(pushSkip.GuestFreeBytes >= Ext4Images.StaleBytes, $"guest-free skipped {pushSkip.GuestFreeBytes}");
        Assert.True(pushSkip.DiskBytesRead + Ext4Images.StaleBytes <= pushExact.DiskBytesRead, $"read {pushSkip.DiskBytesRead} vs {pushExact.DiskBytesRead}");
        Assert.True(pushSkip.WanBytes + (Ext4Images.StaleBytes / 2) < pushExact.WanBytes, $"WAN {pushSkip.WanBytes} vs {pushExact.WanBytes}");
        Ext4Images.AssertGuestIntact(Path.Combine(bed.ReadWrite, "skip." + format), image, tree, work);

        // Pull: the far side reads its copy smartly.
        var pullSkip = await bed.PullAsync($"/ro/vm.{format}", Path.Combine(bed.Local, "pulled-skip." + format), skip);
        var pullExact = await bed.PullAsync($"/ro/vm.{format}", Path.Combine(bed.Local, "pulled-exact." + format));
        Assert.Equal(sha, TestFiles.Sha256(Path.Combine(bed.Local, "pulled-exact." + format)));
        Assert.True(pullSkip.DiskBytesRead + Ext4Images.StaleBytes <= pullExact.DiskBytesRead, $"read {pullSkip.DiskBytesRead} vs {pullExact.DiskBytesRead}");
        Ext4Images.AssertGuestIntact(Path.Combine(bed.Local, "pulled-skip." + format), image, tree, work);
        if (format != "vmdk")
        {
            Tool.Run("qemu-img", ["check", Path.Combine(bed.Local, "pulled-skip." + format)]);
        }
    }
}
