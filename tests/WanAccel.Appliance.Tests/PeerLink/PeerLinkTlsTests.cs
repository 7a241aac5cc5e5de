using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using WanAccel.Appliance.Identity;
using WanAccel.Appliance.PeerLink;

namespace WanAccel.Appliance.Tests.PeerLink;

public sealed class PeerLinkTlsTests
{
    [Fact]
    public async Task Connect_BothCertificatesPinned_UpAndChannelEchoes()
    {
        await using var bed = new PeerLinkTestBed();
        var listener = bed.StartListener(PeerLinkTestBed.Echo);
        var connector = await bed.StartConnectorAsync();

        await using var channel = await connector.OpenChannelAsync("dest=10.0.0.1:445"u8.ToArray(), bed.Token);
        var echoed = await PeerLinkTestBed.ExchangeAsync(channel, "hello core"u8.ToArray(), bed.Token);

        Assert.Equal("hello core", Encoding.UTF8.GetString(echoed));
        Assert.Equal(PeerLinkState.Up, connector.State);
        Assert.Equal(0, listener.Statistics.RefusedTotal);
        Assert.Equal(0, connector.Statistics.RefusedTotal);
        Assert.Contains("edge", listener.ConnectedPeers);
        Assert.Equal(1, bed.CoreHandled);
        await bed.WaitUntilAsync(() => connector.SmoothedRtt is not null, "first PONG");
    }

    [Fact]
    public async Task Connect_ClientCertificateNotPinned_RefusedUnpinnedAndNoChannel()
    {
        await using var bed = new PeerLinkTestBed();
        var listener = bed.StartListener(PeerLinkTestBed.Echo);
        using var stranger = PeerIdentity.Create("stranger");
        await using var connector = new PeerConnector(stranger, bed.EdgeOptions(), "core");
        connector.Start();

        await bed.WaitUntilAsync(() => listener.Statistics.Refused(PeerRefusalReason.UnpinnedCertificate) >= 1, "server refuses the stranger");
        await bed.WaitUntilAsync(() => connector.Statistics.RefusedTotal >= 1, "the stranger sees the refusal");

        Assert.NotEqual(PeerLinkState.Up, connector.State);
        Assert.Equal(0, listener.Statistics.ConnectionsTotal);
        Assert.Equal(0, bed.CoreHandled);
    }

    [Fact]
    public async Task Connect_ServerCertificateNotPinned_ClientRefuses()
    {
        await using var bed = new PeerLinkTestBed();
        var listener = bed.StartListener(PeerLinkTestBed.Echo);
        using var other = PeerIdentity.Create("other-core");
        await using var connector = new PeerConnector(bed.EdgeIdentity, bed.EdgeOptions(coreFingerprint: other.Fingerprint), "core");
        connector.Start();

        await bed.WaitUntilAsync(() => connector.Statistics.Refused(PeerRefusalReason.UnpinnedCertificate) >= 1, "client refuses the server");

        Assert.NotEqual(PeerLinkState.Up, connector.State);
        Assert.Equal(0, connector.Statistics.ConnectionsTotal);
        Assert.Equal(0, listener.Statistics.ConnectionsTotal);
        Assert.Equal(0, bed.CoreHandled);
    }

    [Fact]
    public async Task Accept_PlainTcpGarbage_RefusedTlsFailed()
    {
        await using var bed = new PeerLinkTestBed();
        var listener = bed.StartListener(PeerLinkTestBed.Echo);

        using var client = new TcpClient();
        await client.ConnectAsync(listener.LocalEndPoint!, bed.Token);
        var stream = client.GetStream();
        await stream.WriteAsync("GET / HTTP/1.1\r\nHost: core\r\n\r\n"u8.ToArray(), bed.Token);
        var closed = await ReadUntilClosedAsync(stream, bed.Token);

        Assert.True(closed);
        await bed.WaitUntilAsync(() => listener.Statistics.Refused(PeerRefusalReason.TlsFailed) >= 1, "garbage refused");
        Assert.Equal(0, listener.Statistics.ConnectionsTotal);
        Assert.Equal(0, bed.CoreHandled);
    }

    [Fact]
    public async Task Accept_SilentTcpClient_RefusedHandshakeTimeout()
    {
        await using var bed = new PeerLinkTestBed(o => o with { HandshakeTimeout = TimeSpan.FromMilliseconds(300) });
        var listener = bed.StartListener(PeerLinkTestBed.Echo);

        using var client = new TcpClient();
        await client.ConnectAsync(listener.LocalEndPoint!, bed.Token);
        var closed = await ReadUntilClosedAsync(client.GetStream(), bed.Token);

        Assert.True(closed);
        await bed.WaitUntilAsync(() => listener.Statistics.Refused(PeerRefusalReason.HandshakeTimeout) >= 1, "silent client refused");
        Assert.Equal(0, bed.CoreHandled);
    }

    [Fact]
    public async Task Accept_TlsClientWithoutCertificate_RefusedNoCertificate()
    {
        await using var bed = new PeerLinkTestBed();
        var listener = bed.StartListener(PeerLinkTestBed.Echo);

        using var client = new TcpClient();
        await client.ConnectAsync(listener.LocalEndPoint!, bed.Token);
        await using var ssl = new SslStream(client.GetStream());
        var failed = false;
        try
        {
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "core",
                EnabledSslProtocols = SslProtocols.Tls13,
                RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && CertificateFingerprint.Compute(cert) == bed.CoreIdentity.Fingerprint,
            }, bed.Token);
            await ssl.WriteAsync("WAPL"u8.ToArray(), bed.Token); // TLS 1.3: the server's verdict arrives after the client finished
            failed = await ReadUntilClosedAsync(ssl, bed.Token);
        }
        catch (Exception ex) when (ex is IOException or AuthenticationException)
        {
            failed = true;
        }

        Assert.True(failed);
        await bed.WaitUntilAsync(() => listener.Statistics.Refused(PeerRefusalReason.NoCertificate) >= 1, "certificate-less client refused");
        Assert.Equal(0, listener.Statistics.ConnectionsTotal);
        Assert.Equal(0, bed.CoreHandled);
    }

    /// <summary>True once the server closed the connection (EOF or reset); reads and discards anything before.</summary>
    private static async Task<bool> ReadUntilClosedAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        try
        {
            while (await stream.ReadAsync(buffer, cancellationToken) > 0)
            {
            }
        }
        catch (Exception ex) when (ex is IOException or AuthenticationException)
        {
        }

        return true;
    }
}
