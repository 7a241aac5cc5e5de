using WanAccel.Appliance.FileTransfer;

namespace WanAccel.Appliance.Tests.FileTransfer;

/// <summary>The far side never reads or writes outside its exports, and says why it refused.</summary>
public sealed class PathSafetyTests
{
    [Theory]
    [InlineData("/rw/../export-ro/x", TransferStatus.PathEscapes)]
    [InlineData("/rw/a/../../x", TransferStatus.PathEscapes)]
    [InlineData("/etc/passwd", TransferStatus.NotFound)]
    [InlineData("/ro/", TransferStatus.PermissionDenied)]
    [InlineData("/rw/out/", TransferStatus.PathEscapes)]
    [InlineData("/rw/out/evil", TransferStatus.PathEscapes)]
    [InlineData("/rw/linked-file", TransferStatus.PathEscapes)]
    [InlineData("/rw/missing-dir/x", TransferStatus.NotFound)]
    public async Task Push_OutsideOrForbidden_IsRefusedWithItsReason_AndWritesNothing(string remote, TransferStatus expected)
    {
        await using var bed = await FileTransferBed.StartAsync();
        File.CreateSymbolicLink(Path.Combine(bed.ReadWrite, "out"), bed.Outside);
        var victim = Path.Combine(bed.Outside, "victim");
        File.WriteAllText(victim, "keep");
        File.CreateSymbolicLink(Path.Combine(bed.ReadWrite, "linked-file"), victim);
        var source = Path.Combine(bed.Local, "x");
        File.WriteAllText(source, "payload");
        var before = Directory.GetFileSystemEntries(bed.Outside, "*", SearchOption.TopDirectoryOnly).Order().ToArray();

        await using var client = await bed.ConnectAsync();
        var error = await Assert.ThrowsAsync<FileTransferException>(() => client.PushAsync(source, remote, new TransferOptions(), null, bed.Token));

        Assert.Equal(expected, error.Status);
        Assert.Contains(remote.Split('/')[1], error.Message, StringComparison.Ordinal);
        Assert.True(client.IsBroken);
        Assert.Equal("keep", File.ReadAllText(victim));
        Assert.Equal(before, Directory.GetFileSystemEntries(bed.Outside, "*", SearchOption.TopDirectoryOnly).Order().ToArray());
        Assert.Empty(Directory.GetFiles(bed.ReadOnly));
    }

    [Fact]
    public async Task WriteOnlyExport_TakesPushesWithoutABasis_AndRefusesPulls()
    {
        await using var bed = await FileTransferBed.StartAsync();
        var source = Path.Combine(bed.Local, "disk.img");
        TestFiles.WriteDiskLike(source, 16, seed: 3);
        await bed.PushAsync(source, "/wo/");

        var again = await bed.PushAsync(source, "/wo/");

        Assert.Equal(0, again.BasisBytes); // the existing file's hashes are not disclosed
        Assert.Equal(TestFiles.Sha256(source), TestFiles.Sha256(Path.Combine(bed.WriteOnly, "disk.img")));
        await using var client = await bed.ConnectAsync();
        var error = await Assert.ThrowsAsync<FileTransferException>(() =>
            client.PullAsync("/wo/disk.img", Path.Combine(bed.Local, "back.img"), new TransferOptions(), null, null, bed.Token));
        Assert.Equal(TransferStatus.PermissionDenied, error.Status);
    }

    [Fact]
    public async Task Pull_ThroughSymlinkOutOfTheExport_IsRefused_ButAnInsideLinkWorks()
    {
        await using var bed = await FileTransferBed.StartAsync();
        var secret = Path.Combine(bed.Outside, "secret");
        File.WriteAllText(secret, "secret");
        File.CreateSymbolicLink(Path.Combine(bed.ReadOnly, "secret"), secret);
        File.WriteAllText(Path.Combine(bed.ReadOnly, "inside"), "inside");
        File.CreateSymbolicLink(Path.Combine(bed.ReadOnly, "alias"), Path.Combine(bed.ReadOnly, "inside"));

        await using (var client = await bed.ConnectAsync())
        {
            var error = await Assert.ThrowsAsync<FileTransferException>(() =>
                client.PullAsync("/ro/secret", Path.Combine(bed.Local, "secret"), new TransferOptions(), null, null, bed.Token));
            Assert.Equal(TransferStatus.PathEscapes, error.Status);
        }

        Assert.False(File.Exists(Path.Combine(bed.Local, "secret")));
        Assert.Empty(Directory.GetFiles(bed.Local, ".*"));
        await bed.PullAsync("/ro/alias", Path.Combine(bed.Local, "alias"));
        Assert.Equal("inside", File.ReadAllText(Path.Combine(bed.Local, "alias")));
    }

    [Fact]
    public async Task Pull_ToAReadOnlyExportsMissingFile_OrAnUnknownPeer_SaysSo()
    {
        await using var bed = await FileTransferBed.StartAsync();

        await using (var client = await bed.ConnectAsync())
        {
            var missing = await Assert.ThrowsAsync<FileTransferException>(() =>
                client.PullAsync("/ro/none", Path.Combine(bed.Local, "none"), new TransferOptions(), null, null, bed.Token));
            Assert.Equal(TransferStatus.NotFound, missing.Status);
        }

        await using (var client = await bed.ConnectAsync("ghost"))
        {
            var unknown = await Assert.ThrowsAsync<FileTransferException>(() => client.StatAsync("/ro", bed.Token));
            Assert.Equal(TransferStatus.PeerUnavailable, unknown.Status);
            Assert.Contains("'ghost' is not a peer", unknown.Message, StringComparison.Ordinal);
        }
    }
}
