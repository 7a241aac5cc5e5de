using WanAccel.Appliance.PeerLink;

namespace WanAccel.Appliance.Tests.PeerLink;

public sealed class PeerLinkOptionsTests
{
    private const string Pin = "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789";

    [Fact]
    public void Validate_Defaults_NoErrors()
    {
        var options = new PeerLinkOptions
        {
            Listen = "0.0.0.0:7443",
            Peers = [new PeerOptions { Name = "core", Endpoint = "core.example:7443", PinnedFingerprints = [Pin] }],
        };

        Assert.Empty(options.Validate());
    }

    [Fact]
    public void Validate_ManyMistakes_EveryErrorListed()
    {
        var options = new PeerLinkOptions
        {
            Listen = "not-an-address",
            Peers =
            [
                new PeerOptions { Name = "", Endpoint = "no-port", PinnedFingerprints = ["xyz"] },
                new PeerOptions { Name = "core", PinnedFingerprints = [] },
                new PeerOptions { Name = "CORE", Endpoint = "[::1]:7443", PinnedFingerprints = [Pin] },
            ],
            ConnectionsPerPeer = 0,
            ChannelWindowBytes = 1000,
            MaxFramePayloadBytes = 10,
            HandshakeTimeout = TimeSpan.Zero,
            PingInterval = TimeSpan.FromSeconds(30),
            IdleTimeout = TimeSpan.FromSeconds(10),
            ReconnectMinDelay = TimeSpan.FromSeconds(60),
        };

        var errors = options.Validate();

        Assert.Contains(errors, e => e.StartsWith("Listen", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Name is required", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Endpoint 'no-port'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("'xyz' is not 64 hex digits", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("at least one PinnedFingerprints", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("used by more than one peer", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("ConnectionsPerPeer", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("ChannelWindowBytes", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("MaxFramePayloadBytes", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("HandshakeTimeout", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("IdleTimeout", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("ReconnectMinDelay", StringComparison.Ordinal));
    }
}
