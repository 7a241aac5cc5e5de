using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using WanAccel.Appliance.FileTransfer;
using WanAccel.Appliance.FileTransfer.Protocol;
using WanAccel.Appliance.WanEmulation;
using WanAccel.Cli.Wan;

namespace WanAccel.Cli.Bench;

/// <summary>
/// The measurement behind <c>bench cp</c>, on loopback through a temporary pair and the WAN emulator: the native copy of
/// the first version, then <c>wanaccel cp</c> pushes of it with a cold cache and again (warm, to another name), and of the
/// second version over the first one's copy (changed: its basis and the cache both hold the unchanged blocks).
/// </summary>
internal static class CpBench
{
    public static async Task<CpBenchResult> RunAsync(string input, string? then, SendPolicy policy, WanEmulatorOptions link, string codec, bool measureNative,
        string? workDirectory, WanBench.IProgress progress, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var size = new FileInfo(input).Length;
        var expected = await HashAsync(input, cancellationToken).ConfigureAwait(false);
        var exports = workDirectory is null
            ? Directory.CreateTempSubdirectory("wanaccel-bench-cp-").FullName
            : Directory.CreateDirectory(Path.Combine(workDirectory, $"wanaccel-bench-cp-{Environment.ProcessId}")).FullName;
        try
        {
            await using var bed = await WanTestbed.StartAsync(input, WanProtocol.Tcp, link, codec, workDirectory, loggerFactory, cancellationToken, exports).ConfigureAwait(false);
            var native = await WanBench.NativeAsync(bed, size, expected, link, measureNative, progress, cancellationToken).ConfigureAwait(false);
            var extension = Path.GetExtension(input);
            var cold = await PushAsync("cold", bed, input, $"v1{extension}", exports, policy, expected, progress, cancellationToken).ConfigureAwait(false);
            var warm = await PushAsync("warm", bed, input, $"v1-again{extension}", exports, policy, expected, progress, cancellationToken).ConfigureAwait(false);
            CpRun? changed = null;
            if (then is not null)
            {
                var v2 = await HashAsync(then, cancellationToken).ConfigureAwait(false);
                changed = await PushAsync("changed", bed, then, $"v1{extension}", exports, policy, v2, progress, cancellationToken).ConfigureAwait(false);
            }

            return new CpBenchResult
            {
                Input = input,
                Then = then,
                Policy = policy == SendPolicy.Exact ? "exact" : "skip-guest-free",
                InputBytes = size,
                Rate = WanUnits.FormatRate(link.RateBitsPerSecond),
                Rtt = string.Create(CultureInfo.InvariantCulture, $"{link.Rtt.TotalMilliseconds:0.###}ms"),
                Codec = codec,
                Native = native,
                Cold = cold,
                Warm = warm,
                Changed = changed,
            };
        }
        finally
        {
            Directory.Delete(exports, recursive: true);
        }
    }

    private static async Task<CpRun> PushAsync(string phase, WanTestbed bed, string file, string name, string exports, SendPolicy policy, byte[] expected,
        WanBench.IProgress progress, CancellationToken cancellationToken)
    {
        var before = bed.WanBytes;
        progress.Start(phase, new FileInfo(file).Length);
        TransferReport report;
        await using (var client = await FileTransferClient.ConnectAsync(bed.FileTransfer!, "core", cancellationToken).ConfigureAwait(false))
        {
            report = await client.PushAsync(file, $"/bench/{name}", new TransferOptions { Policy = policy }, progress.Advance, cancellationToken).ConfigureAwait(false);
            await client.CloseAsync(cancellationToken).ConfigureAwait(false);
        }

        progress.Done(phase, report.Seconds);
        var wan = bed.WanBytes - before;
        var copy = Path.Combine(exports, name);
        var verified = policy == SendPolicy.Exact
            ? (await HashAsync(copy, cancellationToken).ConfigureAwait(false)).AsSpan().SequenceEqual(expected)
            : GuestContentCheck.Matches(file, copy);
        return new CpRun
        {
            Seconds = report.Seconds,
            WanBytes = wan,
            DiskBytesRead = report.DiskBytesRead,
            CacheBytes = report.CacheBytes,
            BasisBytes = report.BasisBytes,
            ZeroBytes = report.ZeroBytes,
            GuestFreeBytes = report.GuestFreeBytes,
            Reduction = wan == 0 ? double.PositiveInfinity : (double)report.Length / wan,
            Verified = verified,
        };
    }

    private static async Task<byte[]> HashAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        return await SHA256.HashDataAsync(file, cancellationToken).ConfigureAwait(false);
    }
}
