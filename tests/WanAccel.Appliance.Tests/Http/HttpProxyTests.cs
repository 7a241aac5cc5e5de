using System.Net;
using WanAccel.Appliance.Http;
using WanAccel.Appliance.Tests.EndToEnd;
using WanAccel.Appliance.Tests.Hosting;
using WanAccel.Cli.Peers;
using Xunit.Abstractions;

namespace WanAccel.Appliance.Tests.Http;

/// <summary>Real curl through the edge's YARP proxy, the pair, and a real nginx (WebDAV PUT) behind the core.</summary>
public sealed class HttpProxyTests(ITestOutputHelper output)
{
    private const int ImageBytes = 24 << 20;

    [ToolFact("nginx", "curl")]
    public async Task PutGetRangeChunked_ThroughProxy_ByteExact_AndWarmTransfersStayOffTheWan()
    {
        using var work = new TempDirectory();
        await using var nginx = await StartNginxAsync(work);
        await using var pair = Proxied($"http://{nginx.EndPoint}/");
        await pair.WaitUpAsync();
        var proxy = $"http://{pair.Edge.HttpEndPoint}/images/";
        var image = TestPayload.Create(ImageBytes, seed: 11);
        "vhdxfile"u8.CopyTo(image); // a VHDX by its signature, for the per-file-type metrics
        await File.WriteAllBytesAsync(work["vm.img"], image);

        // Upload (cold: the core has never seen these bytes).
        Assert.Equal(201, await Curl.RunAsync(null, pair.Token, "-T", work["vm.img"], proxy + "vm.img"));
        TestPayload.AssertFileHolds(image, Path.Combine(nginx.Root, "images", "vm.img"));
        var afterPut = pair.EdgeWanBytes();

        // Download: the core's encoder references what the edge sent it.
        Assert.Equal(200, await Curl.RunAsync(work["got.img"], pair.Token, proxy + "vm.img"));
        TestPayload.AssertFileHolds(image, work["got.img"]);
        var afterGet = pair.EdgeWanBytes();

        // A byte range, answered 206 by the origin and carried as is.
        Assert.Equal(206, await Curl.RunAsync(work["range"], pair.Token, "-r", "1000000-1999999", proxy + "vm.img"));
        Assert.Equal(image.AsSpan(1_000_000, 1_000_000).ToArray(), await File.ReadAllBytesAsync(work["range"]));

        // A chunked upload that waits for 100-continue, of the same image under another name: warm.
        Assert.Equal(201, await Curl.RunAsync(null, pair.Token, "-T", work["vm.img"], "-H", "Transfer-Encoding: chunked", "-H", "Expect: 100-continue", proxy + "copy/vm2.img"));
        TestPayload.AssertFileHolds(image, Path.Combine(nginx.Root, "images", "copy", "vm2.img"));
        var afterChunked = pair.EdgeWanBytes();

        // A file the edge never saw, put on the origin directly: a cold then a warm download.
        var other = TestPayload.Create(ImageBytes, seed: 12);
        await File.WriteAllBytesAsync(Path.Combine(nginx.Root, "images", "other.img"), other);
        Assert.Equal(200, await Curl.RunAsync(work["other1"], pair.Token, proxy + "other.img"));
        var afterCold = pair.EdgeWanBytes();
        Assert.Equal(200, await Curl.RunAsync(work["other2"], pair.Token, proxy + "other.img"));
        var afterWarm = pair.EdgeWanBytes();
        TestPayload.AssertFileHolds(other, work["other1"]);
        TestPayload.AssertFileHolds(other, work["other2"]);

        var putWan = afterPut.Out;
        var getWan = afterGet.In - afterPut.In;
        var chunkedWan = afterChunked.Out - afterGet.Out;
        var coldGetWan = afterCold.In - afterChunked.In;
        var warmGetWan = afterWarm.In - afterCold.In;
        output.WriteLine($"image {ImageBytes} B; WAN: put {putWan}, get {getWan}, chunked put {chunkedWan}, cold get {coldGetWan}, warm get {warmGetWan}");
        Assert.True(putWan < ImageBytes * 0.8, $"cold upload sent {putWan} B for {ImageBytes}");
        Assert.True(coldGetWan < ImageBytes * 0.8, $"cold download received {coldGetWan} B for {ImageBytes}");
        Assert.True(getWan < ImageBytes / 20, $"download of the uploaded image received {getWan} B");
        // Chunked encoding puts a size line into the byte stream every 65,524 bytes (curl): the chunk holding one is new
        // to the cache (about one in eight), while chunks still end at every 64 KiB of the file as in the first upload.
        Assert.True(chunkedWan < ImageBytes / 5, $"second (chunked) upload sent {chunkedWan} B");
        Assert.True(warmGetWan < ImageBytes / 20, $"warm download received {warmGetWan} B");
        Assert.All(pair.Edge.Flows.Active.Concat(pair.EdgeEnded), r => Assert.Equal("http", r.Protocol));

        // Per file type: the VHDX went up twice and came down once (plus the range, a .img by name); the other file twice.
        var images = pair.Edge.Files.For("http", vmImage: true);
        var others = pair.Edge.Files.For("http", vmImage: false);
        Assert.Equal(2L * ImageBytes, images.WrittenBytes);
        Assert.Equal(ImageBytes + 1_000_000L, images.ReadBytes);
        Assert.Equal(2L * ImageBytes, others.ReadBytes);
        Assert.Equal(0, others.WrittenBytes);
        Assert.Equal((4L, 2L), (images.Files, others.Files));
        Assert.InRange(images.WanBytes, 1, afterChunked.In + afterChunked.Out);
        Assert.Equal(0, pair.Edge.Flows.Failed + pair.Core.Flows.Failed);
    }

    [ToolFact("curl")]
    public async Task Get_OriginDown_Returns502()
    {
        var down = ExternalProgram.FreeLoopbackPort(); // nothing listens here
        await using var pair = Proxied($"http://{down}/");
        await pair.WaitUpAsync();

        // Every attempt is a flow the core cannot connect; it is reset, and YARP answers 502 each time.
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(502, await Curl.RunAsync(null, pair.Token, $"http://{pair.Edge.HttpEndPoint}/anything"));
        }

        Assert.True(pair.Core.Flows.Failed >= 2, $"core failed flows: {pair.Core.Flows.Failed}");
    }

    [ToolFact("nginx", "curl")]
    public async Task Get_OneOfTwoOriginsDown_ActiveHealthChecksThroughTheLinkTakeItOutOfRotation()
    {
        using var work = new TempDirectory();
        await using var nginx = await StartNginxAsync(work);
        await File.WriteAllTextAsync(Path.Combine(nginx.Root, "index.html"), "ok");
        var down = ExternalProgram.FreeLoopbackPort();
        await using var pair = Proxied(
            $"http://{nginx.EndPoint}/",
            c => c with
            {
                Destinations = [$"http://{nginx.EndPoint}/", $"http://{down}/"],
                LoadBalancing = "RoundRobin",
                HealthCheck = new HttpHealthCheckOptions { Path = "/index.html", Interval = TimeSpan.FromMilliseconds(200), Timeout = TimeSpan.FromSeconds(2) },
            });
        await pair.WaitUpAsync();
        var url = $"http://{pair.Edge.HttpEndPoint}/index.html";

        // Round robin over a live and a dead origin alternates 200 and 502 until the health checks mark the dead one.
        var consecutive = 0;
        for (var attempt = 0; attempt < 200 && consecutive < 6; attempt++)
        {
            consecutive = await Curl.RunAsync(null, pair.Token, url) == 200 ? consecutive + 1 : 0;
            await Task.Delay(50, pair.Token);
        }

        Assert.Equal(6, consecutive);
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(200, await Curl.RunAsync(null, pair.Token, url));
        }
    }

    /// <summary>A real nginx with WebDAV PUT serving <c>work/root</c>.</summary>
    internal static Task<NginxServer> StartNginxAsync(TempDirectory work) =>
        NginxServer.StartAsync(Directory.CreateDirectory(work["root"]).FullName, work["nginx"], webDav: true, CancellationToken.None);

    private static AppliancePair Proxied(string origin, Func<HttpClusterOptions, HttpClusterOptions>? cluster = null) =>
        // The edge's forward rule is unused here; it needs some destination.
        new(IPEndPoint.Parse("127.0.0.1:9"), tune: o => o.Name == "edge" ? o with { Http = ProxyTo(origin, cluster) } : o);

    /// <summary>An edge HTTP proxy on a free port, every path routed to <paramref name="origin"/>.</summary>
    internal static HttpProxyOptions ProxyTo(string origin, Func<HttpClusterOptions, HttpClusterOptions>? cluster = null) => new()
    {
        Listen = "127.0.0.1:0",
        Routes = [new HttpRouteOptions { Name = "all", Cluster = "origin" }],
        Clusters = [(cluster ?? (c => c))(new HttpClusterOptions { Name = "origin", Destinations = [origin] })],
    };
}
