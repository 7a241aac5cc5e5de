using WanAccel.Appliance.Hosting;
using WanAccel.Appliance.Tests.Hosting;
using Xunit.Abstractions;

namespace WanAccel.Appliance.Tests.EndToEnd;

/// <summary>A real rsync client and daemon (plain rsync protocol over TCP) talking through the pair.</summary>
public sealed class RsyncThroughPairTests(ITestOutputHelper output)
{
    [ToolFact("rsync")]
    public async Task Push_TreeThroughPair_DaemonTreeIdenticalPullBackIdenticalSecondPushWarm()
    {
        using var work = new TempDirectory();
        await using var daemon = await RsyncDaemon.StartAsync(work["daemon"], CancellationToken.None);
        await using var pair = new AppliancePair(daemon.EndPoint);
        await pair.WaitUpAsync();
        var source = work["source"];
        FileTree.Create(source, docBytes: 3 << 20, imageBytes: 2 << 20);
        var module = $"rsync://127.0.0.1:{pair.EdgeRule.Port}/mod/";

        var firstBytes = FileTree.Bytes(source);
        var first = await RsyncAsync(pair, "-a", source + "/", module + "v1/");
        FileTree.AssertSame(source, Path.Combine(daemon.ModulePath, "v1"));

        await RsyncAsync(pair, "-a", module + "v1/", work["pulled"] + "/");
        FileTree.AssertSame(source, work["pulled"]);

        // A new target directory, so rsync itself sends every byte again (no delta against an old copy):
        // what stays off the WAN is the pair's doing.
        FileTree.Modify(source);
        var second = await RsyncAsync(pair, "-a", source + "/", module + "v2/");
        FileTree.AssertSame(source, Path.Combine(daemon.ModulePath, "v2"));

        var secondBytes = FileTree.Bytes(source);
        output.WriteLine($"push 1: tree {firstBytes} B, rsync LAN {first.Statistics.LanBytesIn} B, WAN {first.Statistics.WanBytesOut} B");
        output.WriteLine($"push 2: tree {secondBytes} B, rsync LAN {second.Statistics.LanBytesIn} B, WAN {second.Statistics.WanBytesOut} B");
        Assert.True(first.Statistics.LanBytesIn > firstBytes && second.Statistics.LanBytesIn > secondBytes,
            $"rsync sent {first.Statistics.LanBytesIn} and {second.Statistics.LanBytesIn} bytes for trees of {firstBytes} and {secondBytes}");
        Assert.True(second.Statistics.WanBytesOut < first.Statistics.WanBytesOut / 5,
            $"second push WAN {second.Statistics.WanBytesOut} vs first {first.Statistics.WanBytesOut} (LAN {second.Statistics.LanBytesIn})");
        Assert.Equal(0, pair.Edge.Flows.Failed + pair.Core.Flows.Failed);
    }

    /// <summary>Runs rsync through the edge rule; returns the edge's record of the one flow it made.</summary>
    private static async Task<FlowRecord> RsyncAsync(AppliancePair pair, params string[] arguments)
    {
        var flow = pair.NextEdgeFlowAsync();
        var (code, output, error) = await ExternalProcess.RunAsync("rsync", arguments, pair.Token);
        Assert.True(code == 0, $"rsync {string.Join(' ', arguments)} exited {code}: {error}{output}");
        var record = await flow;
        Assert.Null(record.Error);
        return record;
    }
}
