using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using WanAccel.Appliance.FileTransfer.Protocol;

namespace WanAccel.Appliance.FileTransfer;

/// <summary>
/// The <c>wanaccel cp</c> side of the protocol: one connection to the local appliance's file-transfer port, carried to
/// one peer's file service; requests run one after another on it. After a failed request the server closes the
/// connection, so <see cref="IsBroken"/> tells the caller to connect again for the next file.
/// </summary>
public sealed class FileTransferClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly RecordReader _reader;
    private readonly RecordWriter _writer;

    private FileTransferClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
        _input = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 256 * 1024, leaveOpen: true));
        _output = PipeWriter.Create(_stream, new StreamPipeWriterOptions(leaveOpen: true));
        _reader = new RecordReader(_input);
        _writer = new RecordWriter(_output);
    }

    /// <summary>True after a failed request: the server has closed this connection.</summary>
    public bool IsBroken { get; private set; }

    /// <summary>Connects to the local appliance at <paramref name="appliance"/> and asks for <paramref name="peer"/>'s file service.</summary>
    public static async Task<FileTransferClient> ConnectAsync(EndPoint appliance, string peer, CancellationToken cancellationToken)
    {
        var socket = new Socket(appliance.AddressFamily == AddressFamily.Unspecified ? AddressFamily.InterNetwork : appliance.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(appliance, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new FileTransferException(TransferStatus.PeerUnavailable, $"cannot reach the local appliance at {appliance}: {e.Message}", e);
        }

        var client = new FileTransferClient(socket);
        await client._stream.WriteAsync(ClientHello.ToBytes(peer), cancellationToken).ConfigureAwait(false);
        return client;
    }

    /// <summary>Sends <paramref name="localPath"/> to <paramref name="remotePath"/> (a file, or a directory to put it in).</summary>
    public Task<TransferReport> PushAsync(string localPath, string remotePath, TransferOptions options, FileSender.Progress? progress, CancellationToken cancellationToken) =>
        Guard(async () =>
        {
            var started = Stopwatch.GetTimestamp();
            var plan = SourcePlan.Build(localPath, options.Policy);
            WriteRequest(localPath, remotePath, plan.Length, options.Policy, options.Flags);
            await _writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            var basis = await BasisIndex.ReadAsync(_reader, plan.Length, cancellationToken).ConfigureAwait(false);
            var end = await FileSender.SendAsync(localPath, plan, basis, _writer, progress, cancellationToken).ConfigureAwait(false);
            return await ResultAsync(new PendingPush(localPath, remotePath, end, plan.Format, started, basis.IsPartial), cancellationToken).ConfigureAwait(false);
        });

    /// <summary>
    /// Sends a (small) file without a basis and without waiting for its RESULT: many such pushes share the round trips;
    /// <see cref="CompletePushAsync"/> reads the RESULTs in the same order.
    /// </summary>
    public Task<PendingPush> StartPushAsync(string localPath, string remotePath, TransferOptions options, CancellationToken cancellationToken) =>
        Guard(async () =>
        {
            var started = Stopwatch.GetTimestamp();
            var plan = SourcePlan.Build(localPath, options.Policy);
            WriteRequest(localPath, remotePath, plan.Length, options.Policy, options.Flags | TransferFlags.NoBasis);
            var end = await FileSender.SendAsync(localPath, plan, BasisIndex.Empty, _writer, null, cancellationToken).ConfigureAwait(false);
            return new PendingPush(localPath, remotePath, end, plan.Format, started, Resumed: false);
        });

    /// <summary>Reads the RESULT of a push started by <see cref="StartPushAsync"/>.</summary>
    public Task<TransferReport> CompletePushAsync(PendingPush push, CancellationToken cancellationToken) =>
        Guard(() => ResultAsync(push, cancellationToken));

    /// <summary>Fetches <paramref name="remotePath"/> into the file <paramref name="localTarget"/>; <paramref name="size"/> receives the length once known.</summary>
    public Task<TransferReport> PullAsync(string remotePath, string localTarget, TransferOptions options, Action<long>? size, FileSender.Progress? progress, CancellationToken cancellationToken) =>
        Guard(async () =>
        {
            var started = Stopwatch.GetTimestamp();
            using var receiver = FileReceiver.Open(localTarget, options.Resume, cancellationToken);
            new TransferRequest(TransferOp.Get, options.Flags, options.Policy, remotePath).Write(_writer);
            await receiver.Basis.WriteAsync(_writer, cancellationToken).ConfigureAwait(false);
            await _writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            await _reader.ExpectAsync(RecordType.FileInfo, cancellationToken).ConfigureAwait(false);
            var info = FileInfoRecord.Parse(_reader.Payload);
            _reader.Release();
            size?.Invoke(info.Size);
            var received = await receiver.ReceiveAsync(_reader, progress, cancellationToken).ConfigureAwait(false);
            await _reader.ExpectAsync(RecordType.Result, cancellationToken).ConfigureAwait(false);
            var result = ResultRecord.Parse(_reader.Payload);
            _reader.Release();
            if (options.Preserve)
            {
                FileServer.Preserve(localTarget, info.ModifiedUnixMs, info.Mode);
            }

            var f = received.Sender;
            return new TransferReport(remotePath, localTarget, received.Length, Convert.ToHexStringLower(received.Sha256), Stopwatch.GetElapsedTime(started).TotalSeconds,
                f.DiskBytesRead, result.WanBytes, result.CacheBytes, f.BasisBytes, f.ZeroBytes, f.GuestFreeBytes, received.Resumed, "");
        });

    /// <summary>Describes a remote path.</summary>
    public Task<FileInfoRecord> StatAsync(string remotePath, CancellationToken cancellationToken) =>
        Guard(async () =>
        {
            new TransferRequest(TransferOp.Stat, 0, SendPolicy.Exact, remotePath).Write(_writer);
            await _writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            await _reader.ExpectAsync(RecordType.FileInfo, cancellationToken).ConfigureAwait(false);
            var info = FileInfoRecord.Parse(_reader.Payload);
            _reader.Release();
            return info;
        });

    /// <summary>Every file below a remote directory (paths relative to it).</summary>
    public Task<List<FileInfoRecord>> ListAsync(string remotePath, CancellationToken cancellationToken) =>
        Guard(async () =>
        {
            new TransferRequest(TransferOp.List, 0, SendPolicy.Exact, remotePath).Write(_writer);
            await _writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            var entries = new List<FileInfoRecord>();
            while (true)
            {
                var type = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                if (type == RecordType.ListEnd)
                {
                    _reader.Release();
                    return entries;
                }

                if (type != RecordType.Entry || entries.Count >= FileServer.MaxListEntries)
                {
                    throw _reader.Unexpected(type, "ENTRY or LIST_END");
                }

                entries.Add(FileInfoRecord.Parse(_reader.Payload));
                _reader.Release();
            }
        });

    private void WriteRequest(string localPath, string remotePath, long length, SendPolicy policy, TransferFlags flags)
    {
        var info = FileInfoRecord.Of(localPath);
        new TransferRequest(TransferOp.Put, flags, policy, remotePath, Path.GetFileName(localPath), length, info.ModifiedUnixMs, info.Mode).Write(_writer);
    }

    private async Task<TransferReport> ResultAsync(PendingPush push, CancellationToken cancellationToken)
    {
        await _reader.ExpectAsync(RecordType.Result, cancellationToken).ConfigureAwait(false);
        var result = ResultRecord.Parse(_reader.Payload);
        _reader.Release();
        var end = push.End;
        if (!result.Sha256.AsSpan().SequenceEqual(end.Sha256) || result.Length != end.Length)
        {
            throw new FileTransferException(TransferStatus.VerificationFailed,
                $"{push.RemotePath}: the far side reports SHA-256 {Convert.ToHexStringLower(result.Sha256)}, expected {Convert.ToHexStringLower(end.Sha256)}");
        }

        var f = end.Figures;
        return new TransferReport(push.LocalPath, push.RemotePath, end.Length, Convert.ToHexStringLower(end.Sha256), Stopwatch.GetElapsedTime(push.Started).TotalSeconds,
            f.DiskBytesRead, result.WanBytes, result.CacheBytes, f.BasisBytes, f.ZeroBytes, f.GuestFreeBytes, push.Resumed, push.Format);
    }

    /// <summary>Ends the session: our side closes, then the server's end is awaited (bounded by <paramref name="cancellationToken"/>).</summary>
    public async Task CloseAsync(CancellationToken cancellationToken)
    {
        await _output.CompleteAsync().ConfigureAwait(false);
        _socket.Shutdown(SocketShutdown.Send);
        var type = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        if (type != RecordType.EndOfStream)
        {
            throw _reader.Unexpected(type, "the end of the session");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _output.CompleteAsync().ConfigureAwait(false);
        await _input.CompleteAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
        _socket.Dispose();
    }

    private async Task<T> Guard<T>(Func<Task<T>> request)
    {
        if (IsBroken)
        {
            throw new InvalidOperationException("The connection ended with an earlier failure; connect again.");
        }

        try
        {
            return await request().ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileTransferException or IOException or SocketException or UnauthorizedAccessException)
        {
            IsBroken = true;
            if (e is FileTransferException)
            {
                throw;
            }

            throw new FileTransferException(e is UnauthorizedAccessException ? TransferStatus.PermissionDenied : TransferStatus.IoError,
                e is SocketException or IOException && e.InnerException is SocketException ? $"connection to the appliance lost: {e.Message}" : e.Message, e);
        }
    }
}
