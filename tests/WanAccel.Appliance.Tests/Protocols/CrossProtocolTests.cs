using WanAccel.Appliance.Tests.EndToEnd;
using WanAccel.Appliance.Tests.FileTransfer;
using WanAccel.Appliance.Tests.Hosting;
using WanAccel.Appliance.Tests.Http;
using Xunit.Abstractions;

namespace WanAccel.Appliance.Tests.Protocols;

/// <summary>A file moved by one protocol is warm for another: file data is chunked at the same 64 KiB file offsets whatever frames it.</summary>
public sealed class CrossProtocolTests(ITestOutputHelper output)
{
    private const int ImageBytes = 24 << 20;

    [ToolFact("nginx", "curl")]
    public async Task HttpPut_OfAnImageMovedBeforeByWanaccelCp_StaysOffTheWan()
    {
        using var work = new TempDirectory();
        await using var nginx = await HttpProxyTests.StartNginxAsync(work);
        await using var bed = await FileTransferBed.StartAsync(tuneEdge: o => o with { Http = HttpProxyTests.ProxyTo($"http://{nginx.EndPoint}/") });
        var image = TestPayload.Create(ImageBytes, seed: 21);
        "vhdxfile"u8.CopyTo(image);
        var source = Path.Combine(bed.Local, "disk.vhdx");
        await File.WriteAllBytesAsync(source, image);

        var pushed = await bed.PushAsync(source, "/rw/");
        var before = bed.Pair.EdgeWanBytes();
        Assert.Equal(201, await Curl.RunAsync(null, bed.Token, "-T", source, $"http://{bed.Pair.Edge.HttpEndPoint}/images/disk.vhdx"));
        var putWan = bed.Pair.EdgeWanBytes().Out - before.Out;

        output.WriteLine($"image {ImageBytes} B: cp push WAN {pushed.WanBytes} B, then HTTP PUT WAN {putWan} B");
        TestPayload.AssertFileHolds(image, Path.Combine(bed.ReadWrite, "disk.vhdx"));
        TestPayload.AssertFileHolds(image, Path.Combine(nginx.Root, "images", "disk.vhdx"));
        Assert.True(pushed.WanBytes > ImageBytes / 4, $"cold cp push sent {pushed.WanBytes} B");
        Assert.True(putWan < ImageBytes / 50, $"HTTP PUT after cp sent {putWan} B");
        var cp = bed.Pair.Edge.Files.For("file", vmImage: true);
        Assert.Equal((ImageBytes - pushed.ZeroBytes, 1L), (cp.WrittenBytes, cp.Files)); // zero blocks travel as HOLE records, not data
    }
}
