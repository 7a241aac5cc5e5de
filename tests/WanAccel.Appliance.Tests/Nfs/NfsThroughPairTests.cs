using WanAccel.Appliance.Interception;
using WanAccel.Appliance.Tests.EndToEnd;
using WanAccel.Appliance.Tests.Hosting;
using WanAccel.Cli.Peers;
using Xunit.Abstractions;

namespace WanAccel.Appliance.Tests.Nfs;

/// <summary>Real libnfs <c>nfs-cp</c> and nfs-ganesha (NFSv3 over TCP) through the pair: NFS and MOUNT each through an edge rule.</summary>
public sealed class NfsThroughPairTests(ITestOutputHelper output)
{
    private const int ImageBytes = 24 << 20;

    [ToolFact("ganesha.nfsd", "rpcbind", "nfs-cp", "unshare")]
    public async Task WriteReadReadAgain_VmImage_ByteExact_WarmReadStaysOffTheWan()
    {
        using var work = new TempDirectory();
        await using var ganesha = await GaneshaServer.StartAsync(Directory.CreateDirectory(work["export"]).FullName, work["ganesha"], CancellationToken.None);
        var mountRule = new InterceptionRuleOptions { Name = "mount", Listen = "127.0.0.1:0", Destination = ganesha.Mount.ToString(), Protocol = "nfs" };
        await using var pair = new AppliancePair(ganesha.Nfs, tune: o => o.Name == "edge" ? o with { Rules = [o.Rules[0] with { Protocol = "nfs" }, mountRule] } : o);
        await pair.WaitUpAsync();
        var url = ganesha.Url("vm.img", pair.EdgeRule, pair.Edge.RuleEndPoints["mount"]);
        var image = TestPayload.Create(ImageBytes, seed: 31);
        await File.WriteAllBytesAsync(work["vm.img"], image);

        await NfsCopyAsync(pair, work["vm.img"], url);
        TestPayload.AssertFileHolds(image, Path.Combine(ganesha.ExportPath, "vm.img"));
        var afterWrite = pair.EdgeWanBytes();
        await NfsCopyAsync(pair, url, work["read1.img"]);
        TestPayload.AssertFileHolds(image, work["read1.img"]);
        var afterRead = pair.EdgeWanBytes();
        await NfsCopyAsync(pair, url, work["read2.img"]);
        TestPayload.AssertFileHolds(image, work["read2.img"]);
        var afterReadAgain = pair.EdgeWanBytes();

        var (write, read, readAgain) = (afterWrite.Out, afterRead.In - afterWrite.In, afterReadAgain.In - afterRead.In);
        output.WriteLine($"image {ImageBytes} B: WAN write {write}, read {read}, read again {readAgain}");
        Assert.True(write < ImageBytes * 0.8, $"write sent {write} B");
        Assert.True(read < ImageBytes / 20, $"read of what was written received {read} B");
        Assert.True(readAgain < ImageBytes / 20, $"second read received {readAgain} B");
        // nfs-cp resets its connections (RST) when it is done; the pair carries each reset to
        // the server's side. Nothing else may end a flow badly.
        Assert.All(pair.EdgeEnded, r => Assert.Equal("nfs", r.Protocol));
        Assert.All(pair.EdgeEnded.Concat(pair.CoreEnded).Where(r => r.Error is not null),
            r => Assert.Contains("The local connection failed: Connection reset by peer", r.Error!.Message, StringComparison.Ordinal));
    }

    private static async Task NfsCopyAsync(AppliancePair pair, string from, string to)
    {
        var (code, output, error) = await ExternalProcess.RunAsync("nfs-cp", [from, to], pair.Token);
        Assert.True(code == 0, $"nfs-cp {from} {to} exited {code}: {error}{output}");
    }
}
