using System.Net;
using WanAccel.Appliance.WanEmulation;

namespace WanAccel.Appliance.Tests.WanEmulation;

public sealed class WanUnitsTests
{
    [Theory]
    [InlineData("10mbit", 10_000_000L)]
    [InlineData("1gbit", 1_000_000_000L)]
    [InlineData("500kbit", 500_000L)]
    [InlineData("100mbps", 100_000_000L)]
    [InlineData("64kbps", 64_000L)]
    [InlineData("2.5Mbit", 2_500_000L)]
    [InlineData("9600bit", 9_600L)]
    [InlineData("9600bps", 9_600L)]
    [InlineData("0", 0L)]
    [InlineData("unlimited", 0L)]
    public void TryParseRate_ValidText_BitsPerSecond(string text, long expected)
    {
        Assert.True(WanUnits.TryParseRate(text, out var bits, out var error), error);
        Assert.Equal(expected, bits);
    }

    [Theory]
    [InlineData("10")]
    [InlineData("10mb/s")]
    [InlineData("fast")]
    [InlineData("-1mbit")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("5000gbit")]
    public void TryParseRate_InvalidText_Error(string? text)
    {
        Assert.False(WanUnits.TryParseRate(text, out _, out var error));
        Assert.Contains("rate", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("140ms", 140_000)]
    [InlineData("0.2s", 200_000)]
    [InlineData("500us", 500)]
    [InlineData("0", 0)]
    public void TryParseDuration_ValidText_Duration(string text, long microseconds)
    {
        Assert.True(WanUnits.TryParseDuration(text, out var d, out var error), error);
        Assert.Equal(TimeSpan.FromMicroseconds(microseconds), d);
    }

    [Theory]
    [InlineData("140")]
    [InlineData("ms")]
    [InlineData("2h")]
    [InlineData("-5ms")]
    public void TryParseDuration_InvalidText_Error(string text) =>
        Assert.False(WanUnits.TryParseDuration(text, out _, out _));

    [Theory]
    [InlineData("64k", 65_536L)]
    [InlineData("1m", 1_048_576L)]
    [InlineData("1MiB", 1_048_576L)]
    [InlineData("2g", 2_147_483_648L)]
    [InlineData("1000", 1_000L)]
    [InlineData("1500b", 1_500L)]
    public void TryParseSize_ValidText_Bytes(string text, long expected)
    {
        Assert.True(WanUnits.TryParseSize(text, out var bytes, out var error), error);
        Assert.Equal(expected, bytes);
    }

    [Theory]
    [InlineData("k")]
    [InlineData("64q")]
    [InlineData("-1")]
    [InlineData("2t")]
    public void TryParseSize_InvalidText_Error(string text) =>
        Assert.False(WanUnits.TryParseSize(text, out _, out _));

    [Theory]
    [InlineData("0.01", 0.01)]
    [InlineData("1%", 0.01)]
    [InlineData("1", 1.0)]
    public void TryParseProbability_ValidText_Fraction(string text, double expected)
    {
        Assert.True(WanUnits.TryParseProbability(text, out var p, out _));
        Assert.Equal(expected, p, 9);
    }

    [Fact]
    public void TryParseEndPoint_Forms_IpOrDnsEndPoint()
    {
        Assert.True(WanUnits.TryParseEndPoint("127.0.0.1:5000", out var a, out _));
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 5000), a);
        Assert.True(WanUnits.TryParseEndPoint("[::1]:5000", out var b, out _));
        Assert.Equal(new IPEndPoint(IPAddress.IPv6Loopback, 5000), b);
        Assert.True(WanUnits.TryParseEndPoint("5000", out var c, out _));
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 5000), c);
        Assert.True(WanUnits.TryParseEndPoint("core.example:445", out var d, out _));
        Assert.Equal(new DnsEndPoint("core.example", 445), d);
        Assert.False(WanUnits.TryParseEndPoint("core.example", out _, out _));
        Assert.False(WanUnits.TryParseEndPoint("1.2.3.4:99999", out _, out _));
    }
}
