using System.Net;
using WanAccel.Appliance.WanEmulation;

namespace WanAccel.Appliance.Tests.WanEmulation;

public sealed class WanEmulatorOptionsTests
{
    [Fact]
    public void ToOptions_EveryFieldInvalid_ListsEveryError()
    {
        var settings = new WanEmulatorSettings
        {
            Listen = "nowhere",
            Target = "also nowhere",
            Rate = "fast",
            Rtt = "140",
            Loss = "2",
            Window = "64q",
            Queue = "x",
        };

        var (options, errors) = settings.ToOptions();

        Assert.Null(options);
        Assert.Equal(7, errors.Count);
        foreach (var field in new[] { "listen: ", "target: ", "rate: ", "rtt: ", "loss: ", "window: ", "queue: " })
        {
            Assert.Contains(errors, e => e.StartsWith(field, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void ToOptions_ValidText_ParsedOptions()
    {
        var (options, errors) = new WanEmulatorSettings
        {
            Listen = "127.0.0.1:0", Target = "127.0.0.1:445", Rate = "10mbit", Rtt = "140ms", Loss = "1%", Window = "64k",
        }.ToOptions();

        Assert.Empty(errors);
        Assert.NotNull(options);
        Assert.Equal(10_000_000, options.RateBitsPerSecond);
        Assert.Equal(TimeSpan.FromMilliseconds(140), options.Rtt);
        Assert.Equal(0.01, options.LossProbability, 9);
        Assert.Equal(65_536, options.WindowBytes);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 445), options.TargetEndPoint);
    }

    [Fact]
    public void Validate_SeveralRangeErrors_ListsEveryError()
    {
        var errors = new WanEmulatorOptions
        {
            TargetEndPoint = null,
            RateBitsPerSecond = -1,
            Rtt = TimeSpan.FromMilliseconds(-1),
            LossProbability = 1.5,
            WindowBytes = 100,
            QueueBytes = -5,
            MaxConnections = 0,
        }.Validate();

        Assert.Equal(7, errors.Count);
    }

    [Fact]
    public void Validate_MissingTargetOnly_OneError() =>
        Assert.Single(new WanEmulatorOptions().Validate());

    [Theory]
    [InlineData(10_000_000L, 140, 0L, 1L << 20)] // BDP 175 KB < 1 MiB
    [InlineData(1_000_000_000L, 140, 0L, 17_500_000L)] // BDP 17.5 MB
    [InlineData(0L, 140, 0L, WanEmulatorOptions.UnlimitedRateQueueBytes)]
    [InlineData(10_000_000L, 140, 4096L, 4096L)]
    public void EffectiveQueueBytes_RateRttQueue_DefaultIsMaxOfBdpAndOneMiB(long rate, int rttMs, long queue, long expected)
    {
        var options = new WanEmulatorOptions { RateBitsPerSecond = rate, Rtt = TimeSpan.FromMilliseconds(rttMs), QueueBytes = queue };
        Assert.Equal(expected, options.EffectiveQueueBytes);
    }

    [Fact]
    public async Task StartAsync_InvalidOptions_ThrowsWithAllErrors()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() =>
            WanEmulator.StartAsync(new WanEmulatorOptions { RateBitsPerSecond = -1 }));
        Assert.Contains("target", ex.Message, StringComparison.Ordinal);
        Assert.Contains("rate", ex.Message, StringComparison.Ordinal);
    }
}
