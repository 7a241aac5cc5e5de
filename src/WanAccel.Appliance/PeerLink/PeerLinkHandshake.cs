using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace WanAccel.Appliance.PeerLink;

/// <summary>
/// TCP → TLS 1.3 with mutual certificates checked against the pins → hello exchange, all within
/// <see cref="PeerLinkOptions.HandshakeTimeout"/>. Failures are counted by reason, logged, and thrown as
/// <see cref="PeerLinkRefusedException"/>; the socket is closed and nothing reaches a channel.
/// </summary>
internal static class PeerLinkHandshake
{
    /// <summary>Read buffer per connection: 64 KiB, one full DATA frame per read at default sizes.</summary>
    private const int ReadBufferBytes = 64 * 1024;

    public static async Task<PeerConnection> AcceptAsync(Socket socket, PeerLinkContext context, CancellationToken stopping)
    {
        var remote = socket.RemoteEndPoint?.ToString() ?? "?";
        var pin = new PeerCertificatePin(context.Pins, expectedPeer: null);
        var options = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = context.CertificateContext,
            ClientCertificateRequired = true,
            EnabledSslProtocols = SslProtocols.Tls13,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = pin.Validate,
        };
        return await RunAsync(socket, remote, isClient: false, pin, context,
            (ssl, ct) => ssl.AuthenticateAsServerAsync(options, ct), stopping).ConfigureAwait(false);
    }

    public static async Task<PeerConnection> ConnectAsync(EndPoint endPoint, string peerName, PeerLinkContext context, CancellationToken stopping)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (context.Options.SocketMark != 0 && OperatingSystem.IsLinux())
        {
            // Like every outbound socket of the appliance: interception rules skip marked packets.
            Interception.TransparentSocket.SetMark(socket, context.Options.SocketMark);
        }
        try
        {
            using var timeout = new CancellationTokenSource(context.Options.HandshakeTimeout, context.Time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, stopping);
            await socket.ConnectAsync(endPoint, linked.Token).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw; // not a refusal: nobody answered
        }

        var pin = new PeerCertificatePin(context.Pins, expectedPeer: peerName);
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = peerName,
            ClientCertificateContext = context.CertificateContext,
            EnabledSslProtocols = SslProtocols.Tls13,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = pin.Validate,
        };
        return await RunAsync(socket, endPoint.ToString() ?? peerName, isClient: true, pin, context,
            (ssl, ct) => ssl.AuthenticateAsClientAsync(options, ct), stopping).ConfigureAwait(false);
    }

    private static async Task<PeerConnection> RunAsync(
        Socket socket, string remote, bool isClient, PeerCertificatePin pin, PeerLinkContext context,
        Func<SslStream, CancellationToken, Task> authenticate, CancellationToken stopping)
    {
        socket.NoDelay = true; // frames are batched by the writer; Nagle would only delay CREDIT and PONG
        var ssl = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
        using var timeout = new CancellationTokenSource(context.Options.HandshakeTimeout, context.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, stopping);
        PipeReader? reader = null;
        PipeWriter? writer = null;
        try
        {
            await authenticate(ssl, linked.Token).ConfigureAwait(false);
            if (ssl.SslProtocol != SslProtocols.Tls13 || pin.PeerName is null)
            {
                throw new AuthenticationException($"negotiated {ssl.SslProtocol} without a pinned certificate");
            }

            reader = PipeReader.Create(ssl, new StreamPipeReaderOptions(bufferSize: ReadBufferBytes, minimumReadSize: ReadBufferBytes / 4, leaveOpen: true));
            writer = PipeWriter.Create(ssl, new StreamPipeWriterOptions(minimumBufferSize: ReadBufferBytes, leaveOpen: true));
            new PeerLinkHello(PeerLinkHello.CurrentVersion, context.Options.ChannelWindowBytes, context.Options.MaxFramePayloadBytes, context.Options.InstanceId).Write(writer);
            await writer.FlushAsync(linked.Token).ConfigureAwait(false);
            var hello = await ReadHelloAsync(reader, linked.Token).ConfigureAwait(false);
            return new PeerConnection(socket, ssl, reader, writer, hello, isClient, pin.PeerName, pin.Fingerprint!, context);
        }
        catch (Exception ex)
        {
            await CloseQuietlyAsync(ssl, reader, writer).ConfigureAwait(false);
            if (stopping.IsCancellationRequested && !timeout.IsCancellationRequested)
            {
                throw new OperationCanceledException("stopping", ex, stopping);
            }

            var reason = pin.Refusal
                ?? (timeout.IsCancellationRequested ? PeerRefusalReason.HandshakeTimeout
                    : ex is PeerLinkProtocolException ? PeerRefusalReason.ProtocolMismatch
                    : PeerRefusalReason.TlsFailed);
            var detail = reason switch
            {
                PeerRefusalReason.HandshakeTimeout => $"no TLS 1.3 + hello within {context.Options.HandshakeTimeout.TotalSeconds:F0} s",
                PeerRefusalReason.UnpinnedCertificate => $"certificate {pin.Fingerprint} is not pinned",
                PeerRefusalReason.NoCertificate => "no certificate presented",
                _ => ex.GetBaseException().Message,
            };
            context.Statistics.AddRefused(reason);
            PeerLinkLog.Refused(context.Logger, remote, reason, detail);
            throw new PeerLinkRefusedException(reason, detail, ex);
        }
    }

    private static async Task CloseQuietlyAsync(SslStream ssl, PipeReader? reader, PipeWriter? writer)
    {
        try
        {
            if (reader is not null)
            {
                await reader.CompleteAsync().ConfigureAwait(false);
            }

            if (writer is not null)
            {
                await writer.CompleteAsync().ConfigureAwait(false);
            }
        }
        catch (Exception)
        {
            // The handshake already failed; that is the error reported.
        }
        finally
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task<PeerLinkHello> ReadHelloAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (PeerLinkHello.TryRead(ref buffer, out var hello))
            {
                reader.AdvanceTo(buffer.Start);
                return hello;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                // Typical when the other side refused our certificate: TLS 1.3 lets the client finish first.
                throw new IOException("the peer closed the connection before its hello");
            }
        }
    }
}
