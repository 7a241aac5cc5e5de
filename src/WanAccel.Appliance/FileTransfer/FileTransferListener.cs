using System.Net;
using System.Net.Sockets;
using WanAccel.Appliance.FileTransfer.Protocol;
using WanAccel.Appliance.Flows;
using WanAccel.Appliance.Hosting;
using WanAccel.Appliance.Interception;

namespace WanAccel.Appliance.FileTransfer;

/// <summary>
/// The local entry point of <c>wanaccel cp</c> (<see cref="FileTransferOptions.Listen"/>, loopback): reads the client's
/// <see cref="ClientHello"/>, opens a channel to that peer's file service and carries the rest of the connection as a
/// flow, like a rule's connection. A client naming no known peer gets an ERROR record, not a bare reset.
/// </summary>
internal sealed class FileTransferListener : IAsyncDisposable
{
    private static readonly TimeSpan HelloTimeout = TimeSpan.FromSeconds(10);
    private readonly ApplianceServices _services;
    private readonly LocalListener _listener;

    public FileTransferListener(string listen, ApplianceServices services)
    {
        _services = services;
        _listener = new LocalListener(IPEndPoint.Parse(listen));
    }

    /// <summary>The bound address (the real port when configured with port 0).</summary>
    public IPEndPoint LocalEndPoint => _listener.LocalEndPoint;

    public void Start()
    {
        FileTransferLog.Listening(_services.Logger, LocalEndPoint);
        _listener.Start(128, HandleAsync, e => ApplianceLog.AcceptFailed(_services.Logger, "file-transfer", e));
    }

    public ValueTask DisposeAsync() => _listener.DisposeAsync();

    private async Task HandleAsync(Socket client)
    {
        var remote = client.RemoteEndPoint?.ToString() ?? "?";
        var local = new SocketPipe(client);
        string peer;
        try
        {
            peer = await ReadHelloAsync(local).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            var error = e as FileTransferException ?? new FileTransferException(TransferStatus.ProtocolError, e is OperationCanceledException ? "no hello from the client" : e.Message);
            FileTransferLog.ClientRefused(_services.Logger, remote, error.Message);
            await AnswerAsync(local, error).ConfigureAwait(false);
            return;
        }

        var record = _services.Flows.Register("file-transfer", "file", peer, "file service", FlowOrigin.Local);
        PeerLink.PeerChannel channel;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_services.Stopping);
            timeout.CancelAfter(_services.Options.Flow.OpenTimeout);
            channel = await _services.Peers.OpenChannelAsync(peer, FileServiceRequest.ToBytes(), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            var message = e is OperationCanceledException ? $"peer '{peer}' is not reachable (link down for {_services.Options.Flow.OpenTimeout.TotalSeconds:0.#} s)" : e.Message;
            _services.Runner.Fail(record, new IOException(message, e));
            await AnswerAsync(local, new FileTransferException(TransferStatus.PeerUnavailable, message)).ConfigureAwait(false);
            return;
        }

        var context = new FlowContext(_services.Store, _services.Peers.KnowledgeOf(peer), _services.FlowOptions);
        await _services.Runner.RunAsync(record, local, channel, context, _services.Aborting).ConfigureAwait(false);
    }

    /// <summary>Reads the hello and maps it to a configured peer (its name, or the host:port of its endpoint).</summary>
    private async Task<string> ReadHelloAsync(SocketPipe local)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_services.Stopping);
        timeout.CancelAfter(HelloTimeout);
        while (true)
        {
            var result = await local.Input.ReadAsync(timeout.Token).ConfigureAwait(false);
            if (ClientHello.TryParse(result.Buffer, out var asked, out var consumed))
            {
                local.Input.AdvanceTo(result.Buffer.GetPosition(consumed));
                return ResolvePeer(asked);
            }

            if (result.IsCompleted)
            {
                throw new FileTransferException(TransferStatus.ProtocolError, "the client closed before its hello");
            }

            local.Input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    private string ResolvePeer(string asked)
    {
        var peers = _services.Options.PeerLink.Peers;
        var match = peers.FirstOrDefault(p => string.Equals(p.Name, asked, StringComparison.OrdinalIgnoreCase))
            ?? peers.FirstOrDefault(p => p.Endpoint is not null && string.Equals(p.Endpoint, asked, StringComparison.OrdinalIgnoreCase));
        return match?.Name ?? throw new FileTransferException(TransferStatus.PeerUnavailable,
            $"'{asked}' is not a peer of this appliance (peers: {string.Join(", ", peers.Select(p => p.Endpoint is null ? p.Name : $"{p.Name} at {p.Endpoint}"))})");
    }

    private static async Task AnswerAsync(SocketPipe local, FileTransferException error)
    {
        try
        {
            var writer = new RecordWriter(local.Output);
            new ErrorRecord(error.Status, error.Message).Write(writer);
            await writer.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            await local.Output.CompleteAsync().ConfigureAwait(false);
            await local.Input.CompleteAsync().ConfigureAwait(false);
            await local.CloseAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            await local.DisposeAsync().ConfigureAwait(false);
        }
    }
}
