using WanAccel.Appliance.FileTransfer;
using WanAccel.Appliance.Hosting;
using WanAccel.Appliance.Tests.EndToEnd;
using WanAccel.Appliance.Tests.Hosting;
using WanAccel.Appliance.Tests.Observability;
using WanAccel.Cli.Peers;
using Xunit.Abstractions;

namespace WanAccel.Appliance.Tests.Smb;

/// <summary>
/// Real smbclient and smbd (SMB 3.1.1) through the pair, byte-exact, unsigned and with mandatory signing: the pair
/// reproduces the exact bytes, so signatures stay valid.
/// </summary>
public sealed class SmbThroughPairTests(ITestOutputHelper output)
{
    private const int ImageBytes = 24 << 20;

    [ToolTheory("smbd", "smbclient")]
    [InlineData("disabled")]
    [InlineData("mandatory")]
    public async Task PutGetPutAgain_VmImage_ServerCopyIdentical_WarmTransfersSmall(string signing)
    {
        using var work = new TempDirectory();
        var share = Directory.CreateDirectory(work["share"]).FullName;
        await using var samba = await SambaServer.StartAsync(share, work["samba"], signing, readOnly: false, CancellationToken.None);
        await using var pair = new AppliancePair(samba.EndPoint, tune: o => o.Name == "edge" ? o with { Rules = [o.Rules[0] with { Protocol = "smb" }] } : o);
        await pair.WaitUpAsync();
        var local = Directory.CreateDirectory(work["local"]).FullName;
        var image = TestPayload.Create(ImageBytes, seed: 21);
        await File.WriteAllBytesAsync(Path.Combine(local, "vm.img"), image);

        var put = await SmbAsync(pair, samba, "put vm.img vm.img", local);
        TestPayload.AssertFileHolds(image, Path.Combine(share, "vm.img"));
        var get = await SmbAsync(pair, samba, "get vm.img got.img", local);
        TestPayload.AssertFileHolds(image, Path.Combine(local, "got.img"));
        var putAgain = await SmbAsync(pair, samba, "put vm.img copy.img", local);
        TestPayload.AssertFileHolds(image, Path.Combine(share, "copy.img"));

        output.WriteLine($"signing {signing}, image {ImageBytes} B: WAN put {put.WanBytesOut}, get {get.WanBytesIn}, second put {putAgain.WanBytesOut}");
        Assert.True(put.LanBytesIn > ImageBytes, $"smbclient sent {put.LanBytesIn} B");
        Assert.True(put.WanBytesOut < ImageBytes * 0.8, $"cold put sent {put.WanBytesOut} B");

        // The data of the reads and writes is referenced; what crosses is the SMB headers around it (smbclient moves
        // megabytes per request, so they are few) and the chunks that hold one.
        Assert.True(get.WanBytesIn < ImageBytes / 50, $"get received {get.WanBytesIn} B");
        Assert.True(putAgain.WanBytesOut < ImageBytes / 50, $"second put sent {putAgain.WanBytesOut} B");
        Assert.Equal(0, pair.Edge.Flows.Failed + pair.Core.Flows.Failed);
    }

    [ToolFact("smbd", "smbclient")]
    public async Task EncryptedSession_PutAndGet_ByteExact_PassedThroughUnchunked()
    {
        using var work = new TempDirectory();
        var share = Directory.CreateDirectory(work["share"]).FullName;
        await using var samba = await SambaServer.StartAsync(share, work["samba"], "disabled", readOnly: false, CancellationToken.None, encrypt: true);
        await using var pair = new AppliancePair(samba.EndPoint, tune: o => o.Name == "edge" ? o with { Rules = [o.Rules[0] with { Protocol = "smb" }] } : o);
        await pair.WaitUpAsync();
        var local = Directory.CreateDirectory(work["local"]).FullName;
        var image = TestPayload.Create(ImageBytes / 4, seed: 23);
        await File.WriteAllBytesAsync(Path.Combine(local, "vm.img"), image);

        var put = await SmbAsync(pair, samba, "put vm.img vm.img", local);
        var get = await SmbAsync(pair, samba, "get vm.img got.img", local);

        TestPayload.AssertFileHolds(image, Path.Combine(share, "vm.img"));
        TestPayload.AssertFileHolds(image, Path.Combine(local, "got.img"));
        // Everything after the session setup is SMB3-encrypted: sent as Passthrough frames, nothing chunked or cached.
        output.WriteLine($"encrypted put: LAN {put.LanBytesIn} B, passthrough {put.PassthroughBytesOut} B, WAN {put.WanBytesOut} B; get: passthrough in {get.PassthroughBytesIn} B");
        Assert.True(put.PassthroughBytesOut > ImageBytes / 4, $"put passed through {put.PassthroughBytesOut} B");
        Assert.True(get.PassthroughBytesIn > ImageBytes / 4, $"get passed through {get.PassthroughBytesIn} B");
        Assert.True(put.WanBytesOut > ImageBytes / 4, $"an encrypted put cannot shrink: {put.WanBytesOut} B");
    }

    [ToolFact("smbd", "smbclient")]
    public async Task Put_OfAnImageMovedBeforeByWanaccelCp_IsWarm_AndCountsAsAVmImage()
    {
        using var work = new TempDirectory();
        var share = Directory.CreateDirectory(work["share"]).FullName;
        var export = Directory.CreateDirectory(work["export"]).FullName;
        await using var samba = await SambaServer.StartAsync(share, work["samba"], "disabled", readOnly: false, CancellationToken.None);
        await using var pair = new AppliancePair(samba.EndPoint, tune: o => o.Name == "edge"
            ? o with
            {
                Rules = [o.Rules[0] with { Protocol = "smb" }],
                FileTransfer = new FileTransferOptions { Listen = "127.0.0.1:0" },
                Metrics = new MetricsOptions { Listen = "127.0.0.1:0" },
            }
            : o with { Exports = [new ExportOptions { Name = "images", Path = export, Access = ExportAccess.ReadWrite }] });
        await pair.WaitUpAsync();
        var local = Directory.CreateDirectory(work["local"]).FullName;
        var image = TestPayload.Create(ImageBytes, seed: 22);
        "vhdxfile"u8.CopyTo(image);
        await File.WriteAllBytesAsync(Path.Combine(local, "vm.vhdx"), image);

        await using (var cp = await FileTransferClient.ConnectAsync(pair.Edge.FileTransferEndPoint!, "core", pair.Token))
        {
            await cp.PushAsync(Path.Combine(local, "vm.vhdx"), "/images/", new TransferOptions(), null, pair.Token);
            await cp.CloseAsync(pair.Token);
        }

        var put = await SmbAsync(pair, samba, "put vm.vhdx vm.vhdx", local);

        output.WriteLine($"image {ImageBytes} B: smbclient put after cp sent {put.WanBytesOut} B");
        TestPayload.AssertFileHolds(image, Path.Combine(share, "vm.vhdx"));
        Assert.True(put.WanBytesOut < ImageBytes / 100, $"put after cp sent {put.WanBytesOut} B");
        var metrics = await MetricsScrape.GetAsync(pair.Edge.MetricsEndPoint!, pair.Token);
        (string, string)[] smbImages = [("protocol", "smb"), ("file_type", "vm_image")];
        Assert.Equal(ImageBytes, metrics.Value("wanaccel_file_bytes_total", [.. smbImages, ("operation", "write")]));
        Assert.Equal(1, metrics.Value("wanaccel_files_total", smbImages));
        Assert.InRange(metrics.Value("wanaccel_file_wan_bytes_total", smbImages), 1, put.WanBytesOut);
    }

    /// <summary>Runs smbclient through the edge's rule; returns the statistics of the one flow it made.</summary>
    private static async Task<WanAccel.Appliance.Flows.FlowStatistics> SmbAsync(AppliancePair pair, SambaServer samba, string commands, string directory)
    {
        var flow = pair.NextEdgeFlowAsync();
        var (code, output, error) = await ExternalProcess.RunAsync(
            "sh", ["-c", $"cd '{directory}' && exec smbclient -s '{samba.ClientConfig}' //127.0.0.1/share -p {pair.EdgeRule.Port} -U '{SambaServer.User}' -c '{commands}'"], pair.Token);
        Assert.True(code == 0, $"smbclient -c '{commands}' exited {code}: {error}{output}");
        var record = await flow;
        Assert.Null(record.Error);
        Assert.Equal("smb", record.Protocol);
        return record.Statistics;
    }
}
