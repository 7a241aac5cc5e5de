using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using WanAccel.Appliance.WanEmulation;

namespace WanAccel.Cli.Wan;

/// <summary>The measurement behind the demo and <c>bench wan</c>: native copy, then cold and warm copies through the pair.</summary>
internal static class WanBench
{
    /// <summary>Called as a copy starts (<c>name</c>, total bytes) and as bytes arrive.</summary>
    public interface IProgress
    {
        void Start(string phase, long totalBytes);

        void Advance(long bytes);

        void Done(string phase, double seconds);
    }

    public static async Task<WanBenchResult> RunAsync(
        string input, WanProtocol protocol, WanEmulatorOptions link, string codec, bool measureNative, string? workDirectory,
        IProgress progress, ILoggerFactory loggerFactory, CancellationToken cancellationToken, bool readAhead = true)
    {
        var size = new FileInfo(input).Length;
        byte[] expected;
        await using (var file = File.OpenRead(input))
        {
            expected = await SHA256.HashDataAsync(file, cancellationToken).ConfigureAwait(false);
        }

        await using var bed = await WanTestbed.StartAsync(input, protocol, link, codec, workDirectory, loggerFactory, cancellationToken, readAhead: readAhead).ConfigureAwait(false);
        var native = await NativeAsync(bed, size, expected, link, measureNative, progress, cancellationToken).ConfigureAwait(false);

        var cold = await AcceleratedAsync("cold", bed, size, expected, link, progress, cancellationToken).ConfigureAwait(false);
        var warm = await AcceleratedAsync("warm", bed, size, expected, link, progress, cancellationToken).ConfigureAwait(false);
        return new WanBenchResult
        {
            Input = input,
            InputBytes = size,
            Protocol = protocol.ToString().ToLowerInvariant(),
            Rate = WanUnits.FormatRate(link.RateBitsPerSecond),
            Rtt = string.Create(CultureInfo.InvariantCulture, $"{link.Rtt.TotalMilliseconds:0.###}ms"),
            Window = link.WindowBytes > 0 ? link.WindowBytes.ToString(CultureInfo.InvariantCulture) : null,
            Codec = codec,
            Native = native,
            Cold = cold,
            Warm = warm,
        };
    }

    /// <summary>The copy without WanAccel over the emulated link (measured and verified), or its computed time.</summary>
    internal static async Task<NativeRun> NativeAsync(WanTestbed bed, long size, byte[] expected, WanEmulatorOptions link, bool measure, IProgress progress, CancellationToken cancellationToken)
    {
        if (!measure)
        {
            return new NativeRun { Seconds = ComputedNativeSeconds(size, link), Measured = false };
        }

        var copy = await CopyAsync("native", bed, accelerated: false, size, progress, cancellationToken).ConfigureAwait(false);
        return new NativeRun { Seconds = copy.Elapsed.TotalSeconds, Measured = true, Verified = copy.Sha256.AsSpan().SequenceEqual(expected) && copy.Bytes == size };
    }

    /// <summary>Size ÷ rate (or ÷ window/RTT when a legacy window limits the copy more), plus one RTT for the handshake.</summary>
    public static double ComputedNativeSeconds(long size, WanEmulatorOptions link)
    {
        var bytesPerSecond = link.RateBitsPerSecond > 0 ? link.RateBitsPerSecond / 8.0 : double.PositiveInfinity;
        if (link.WindowBytes > 0 && link.Rtt > TimeSpan.Zero)
        {
            bytesPerSecond = Math.Min(bytesPerSecond, link.WindowBytes / link.Rtt.TotalSeconds);
        }

        return (size / bytesPerSecond) + link.Rtt.TotalSeconds;
    }

    private static async Task<AcceleratedRun> AcceleratedAsync(string phase, WanTestbed bed, long size, byte[] expected, WanEmulatorOptions link, IProgress progress, CancellationToken cancellationToken)
    {
        var before = bed.WanBytes;
        var copy = await CopyAsync(phase, bed, accelerated: true, size, progress, cancellationToken).ConfigureAwait(false);
        var wan = bed.WanBytes - before;
        return new AcceleratedRun
        {
            Seconds = copy.Elapsed.TotalSeconds,
            WanBytes = wan,
            Reduction = wan == 0 ? double.PositiveInfinity : (double)size / wan,
            LinkSeconds = link.RateBitsPerSecond > 0 ? wan * 8.0 / link.RateBitsPerSecond : 0,
            Verified = copy.Bytes == size && copy.Sha256.AsSpan().SequenceEqual(expected),
        };
    }

    private static async Task<(TimeSpan Elapsed, long Bytes, byte[] Sha256)> CopyAsync(string phase, WanTestbed bed, bool accelerated, long size, IProgress progress, CancellationToken cancellationToken)
    {
        progress.Start(phase, size);
        var result = await bed.DownloadAsync(accelerated, progress.Advance, cancellationToken).ConfigureAwait(false);
        progress.Done(phase, result.Elapsed.TotalSeconds);
        return result;
    }
}
