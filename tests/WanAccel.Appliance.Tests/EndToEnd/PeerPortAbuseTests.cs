using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using WanAccel.Appliance.Identity;
using WanAccel.Appliance.PeerLink;
using WanAccel.Appliance.Tests.Hosting;

namespace WanAccel.Appliance.Tests.EndToEnd;

/// <summary>
/// Strangers on the core's peer port: refused and counted, no flow, nothing stored — and the pair carries on.
/// </summary>
public sealed class PeerPortAbuseTests
{
    public enum Stranger
    {
        RandomBytes,
        HttpRequest,
        ConnectAndClose,
        Tls12ClientHello,
    }

    [Fact]
    public async Task WrongCertificate_ThirdIdentityDialsCore_RefusedUnpinnedNoFlowNothingStored()
    {
        await using var sink = new FramedSink();
        await using var pair = new AppliancePair(sink.EndPoint);
        await pair.WaitUpAsync();
        await FramedTransfer.AssertByteExactAsync(pair, sink, TestPayload.Create(1 << 20, seed: 61));
        await ApplianceFlowTests.WaitForFlowsAsync(pair); // the transfer's flows finish after the client has its reply
        var before = Snapshot(pair);

        using var stranger = PeerIdentity.Create("edge"); // the right name, the wrong key
        var options = pair.Edge.Options.PeerLink with
        {
            Peers = [new PeerOptions { Name = "core", Endpoint = pair.Core.PeerLinkEndPoint!.ToString(), PinnedFingerprints = [pair.CoreIdentity.Fingerprint] }],
        };
        await using (var connector = new PeerConnector(stranger, options, "core"))
        {
            connector.Start();
            await WaitUntilAsync(pair, () => pair.CoreListener.Refused(PeerRefusalReason.UnpinnedCertificate) >= 1 && connector.Statistics.RefusedTotal >= 1);
            using var brief = CancellationTokenSource.CreateLinkedTokenSource(pair.Token);
            brief.CancelAfter(TimeSpan.FromMilliseconds(500));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await connector.OpenChannelAsync("dest=127.0.0.1:1"u8.ToArray(), brief.Token));
            Assert.Equal(0, connector.Statistics.ConnectionsTotal);
        }

        AssertUntouched(pair, before);
        await FramedTransfer.AssertByteExactAsync(pair, sink, TestPayload.Create(1 << 20, seed: 62));
    }

    [Theory]
    [InlineData(Stranger.RandomBytes)]
    [InlineData(Stranger.HttpRequest)]
    [InlineData(Stranger.ConnectAndClose)]
    [InlineData(Stranger.Tls12ClientHello)]
    public async Task NotAPeer_OnCorePeerPort_RefusedAndCountedNothingStored(Stranger stranger)
    {
        await using var sink = new FramedSink();
        await using var pair = new AppliancePair(sink.EndPoint);
        await pair.WaitUpAsync();
        await FramedTransfer.AssertByteExactAsync(pair, sink, TestPayload.Create(1 << 20, seed: 63));
        await ApplianceFlowTests.WaitForFlowsAsync(pair); // the transfer's flows finish after the client has its reply
        var before = Snapshot(pair);
        var refusedBefore = pair.CoreListener.RefusedTotal;

        using (var client = new TcpClient())
        {
            await client.ConnectAsync(pair.Core.PeerLinkEndPoint!, pair.Token);
            await SendAsync(client, stranger, pair.Token);
        }

        await WaitUntilAsync(pair, () => pair.CoreListener.RefusedTotal > refusedBefore);
        Assert.Equal(refusedBefore + 1, pair.CoreListener.RefusedTotal);
        Assert.Equal(1, pair.CoreListener.Refused(PeerRefusalReason.TlsFailed));
        AssertUntouched(pair, before);
        await FramedTransfer.AssertByteExactAsync(pair, sink, TestPayload.Create(1 << 20, seed: 64));
    }

    /// <summary>Sends what the stranger sends, then waits for the core to close the connection on it.</summary>
    private static async Task SendAsync(TcpClient client, Stranger stranger, CancellationToken cancellationToken)
    {
        var stream = client.GetStream();
        switch (stranger)
        {
            case Stranger.RandomBytes:
                await stream.WriteAsync(TestPayload.Create(64 * 1024, seed: 65).AsMemory(), cancellationToken);
                break;
            case Stranger.HttpRequest:
                await stream.WriteAsync("GET /metrics HTTP/1.1\r\nHost: core\r\nConnection: close\r\n\r\n"u8.ToArray(), cancellationToken);
                break;
            case Stranger.ConnectAndClose:
                client.Client.Shutdown(SocketShutdown.Send);
                break;
            case Stranger.Tls12ClientHello:
                await using (var tls = new SslStream(stream, leaveInnerStreamOpen: true))
                {
                    var options = new SslClientAuthenticationOptions { TargetHost = "core", EnabledSslProtocols = SslProtocols.Tls12 };
                    await Assert.ThrowsAnyAsync<Exception>(() => tls.AuthenticateAsClientAsync(options, cancellationToken));
                }

                return;
        }

        // The core answers with nothing it would not send a stranger: a TLS alert at most, then the close.
        var buffer = new byte[4096];
        try
        {
            while (await stream.ReadAsync(buffer, cancellationToken) > 0)
            {
            }
        }
        catch (IOException)
        {
            // A reset is a close too.
        }
    }

    private static (long Flows, long Chunks, long Connections) Snapshot(AppliancePair pair) =>
        (pair.Core.Flows.Total, pair.Core.Store.GetStatistics().ChunkCount, pair.CoreListener.ConnectionsTotal);

    private static void AssertUntouched(AppliancePair pair, (long Flows, long Chunks, long Connections) before)
    {
        Assert.Equal(before, Snapshot(pair));
        Assert.Empty(pair.Core.Flows.Active);
    }

    private static async Task WaitUntilAsync(AppliancePair pair, Func<bool> condition)
    {
        while (!condition())
        {
            await Task.Delay(10, pair.Token);
        }
    }
}
