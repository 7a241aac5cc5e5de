using System.Net;
using System.Net.Sockets;
using WanAccel.Appliance.FileTransfer;
using WanAccel.Appliance.Flows;
using WanAccel.Appliance.Interception;
using WanAccel.Appliance.PeerLink;
using WanAccel.Appliance.Protocols.Nfs.ReadAhead;

namespace WanAccel.Appliance.Hosting;

/// <summary>
/// Serves flows a peer opens: checks the request, connects to its destination (marked so interception rules skip
/// it, and only inside the allowed networks), then carries the flow. A file-service request (<see cref="FileServiceRequest"/>)
/// gets an in-process <see cref="FileServer"/> over the exports as its local side instead of a socket.
/// </summary>
internal sealed class RemoteFlowHandler(ApplianceServices services)
{
    private readonly IPNetwork[] _allowed = [.. services.Options.Outbound.AllowedDestinations.Select(c => IPNetwork.Parse(c))];
    private readonly ExportResolver _exports = new(services.Options.Exports);

    public async Task HandleAsync(PeerChannel channel, ReadOnlyMemory<byte> metadata)
    {
        if (FileServiceRequest.IsFileService(metadata.Span))
        {
            await ServeFilesAsync(channel, metadata).ConfigureAwait(false);
            return;
        }

        var request = FlowOpenRequest.TryParse(metadata.Span, out var parseError);
        if (request is null || services.Stopping.IsCancellationRequested)
        {
            Refuse(channel, PeerResetCode.Refused, parseError ?? "the appliance is shutting down");
            return;
        }

        var record = services.Flows.Register(request.Rule, request.Protocol, channel.PeerName, request.Destination, FlowOrigin.Remote);
        Socket socket;
        try
        {
            socket = await ConnectAsync(request.Destination).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or UnauthorizedAccessException)
        {
            var message = e is OperationCanceledException ? $"connecting to {request.Destination} timed out" : e.Message;
            channel.Reset(PeerResetCode.DestinationError, message);
            services.Runner.Fail(record, new IOException(message, e));
            return;
        }

        IFlowEndpoint local = new SocketPipe(socket);
        if (request.NfsReadAheadBytes > 0 && services.Options.Nfs.ReadAhead && socket.RemoteEndPoint is IPEndPoint server)
        {
            // The core reads ahead on its own connection to the same server, no further than either side allows.
            record.NfsReadAhead = new NfsReadAheadStatistics(services.NfsReadAhead);
            var depth = Math.Min(request.NfsReadAheadBytes, services.Options.Nfs.ReadAheadBytes);
            local = new NfsReadAheadServerEnd(local, depth, _ => ConnectAsync(server.ToString()), record.NfsReadAhead);
        }

        var context = new FlowContext(services.Store, services.Peers.KnowledgeOf(channel.PeerName), services.FlowOptions);
        await services.Runner.RunAsync(record, local, channel, context, services.Aborting).ConfigureAwait(false);
    }

    private async Task ServeFilesAsync(PeerChannel channel, ReadOnlyMemory<byte> metadata)
    {
        var invalid = FileServiceRequest.Validate(metadata.Span);
        if (invalid is not null || services.Stopping.IsCancellationRequested)
        {
            Refuse(channel, PeerResetCode.Refused, invalid ?? "the appliance is shutting down");
            return;
        }

        // Without exports the server still runs: every request is answered with a clear ERROR record ("no export ...").
        var record = services.Flows.Register("file-service", "file", channel.PeerName, "file service", FlowOrigin.Remote);
        var server = new FileServer(_exports, sending => Figures(record, sending), services.Logger);
        var context = new FlowContext(services.Store, services.Peers.KnowledgeOf(channel.PeerName), services.FlowOptions);
        await services.Runner.RunAsync(record, new FileServiceEnd(server), channel, context, services.Aborting).ConfigureAwait(false);
    }

    /// <summary>The flow's engine figures for the file data: the encoder's when the server sends (pull), the decoder's when it receives (push).</summary>
    private static EngineFigures Figures(FlowRecord record, bool sending)
    {
        var stats = record.Statistics;
        var encoded = record.Encoded;
        var decoded = record.Decoded;
        var cache = sending
            ? (encoded is null ? 0 : encoded.RefBytes + encoded.ManifestRefBytes)
            : (decoded is null ? 0 : Math.Max(0, decoded.OutputBytes - decoded.LiteralBytes - decoded.ZeroBytes - decoded.PassthroughBytes));
        return new EngineFigures(stats.WanBytesIn + stats.WanBytesOut, cache, encoded?.InputBytes ?? 0);
    }

    private void Refuse(PeerChannel channel, PeerResetCode code, string reason)
    {
        ApplianceLog.RequestRefused(services.Logger, channel.PeerName, reason);
        services.Flows.Refuse(FlowRefusal.BadRequest);
        channel.Reset(code, reason);
    }

    private async Task<Socket> ConnectAsync(string destination)
    {
        if (!PeerEndpoint.TryParse(destination, out var endPoint, out var why))
        {
            throw new SocketException((int)SocketError.AddressNotAvailable, $"destination '{destination}' is invalid: {why}");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(services.Stopping);
        timeout.CancelAfter(services.Options.Outbound.ConnectTimeout);
        var addresses = endPoint is IPEndPoint ip
            ? [ip]
            : (await Dns.GetHostAddressesAsync(((DnsEndPoint)endPoint).Host, timeout.Token).ConfigureAwait(false))
                .Select(a => new IPEndPoint(a, ((DnsEndPoint)endPoint).Port)).ToArray();
        SocketException? last = null;
        foreach (var address in addresses)
        {
            if (_allowed.Length > 0 && !_allowed.Any(n => n.Contains(Unmapped(address.Address))))
            {
                throw new UnauthorizedAccessException($"destination {address} is outside Outbound.AllowedDestinations");
            }

            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                if (services.Options.Outbound.SocketMark != 0 && OperatingSystem.IsLinux())
                {
                    TransparentSocket.SetMark(socket, services.Options.Outbound.SocketMark);
                }

                await socket.ConnectAsync(address, timeout.Token).ConfigureAwait(false);
                return socket;
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last ?? new SocketException((int)SocketError.HostNotFound, $"'{destination}' has no address");
    }

    private static IPAddress Unmapped(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
