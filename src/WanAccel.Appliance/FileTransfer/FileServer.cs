using System.IO.Pipelines;
using Microsoft.Extensions.Logging;
using WanAccel.Appliance.FileTransfer.Protocol;

namespace WanAccel.Appliance.FileTransfer;

/// <summary>
/// The far end of <c>wanaccel cp</c>: serves REQUEST records read from a flow's decoded stream, one after another, inside
/// the exports. Every failure is answered with one ERROR record, after which the server closes its side.
/// </summary>
internal sealed class FileServer(ExportResolver exports, Func<bool, EngineFigures> engine, ILogger logger)
{
    /// <summary>Most entries one LIST returns.</summary>
    public const int MaxListEntries = 100_000;

    public async Task RunAsync(IDuplexPipe pipe, CancellationToken cancellationToken)
    {
        var reader = new RecordReader(pipe.Input);
        var writer = new RecordWriter(pipe.Output);
        try
        {
            while (true)
            {
                var type = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                if (type == RecordType.EndOfStream)
                {
                    break;
                }

                if (type != RecordType.Request)
                {
                    throw reader.Unexpected(type, "REQUEST");
                }

                var request = TransferRequest.Parse(reader.Payload);
                reader.Release();
                await ServeAsync(request, reader, writer, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is FileTransferException or IOException or UnauthorizedAccessException && !reader.Broken)
        {
            var error = e as FileTransferException ?? new FileTransferException(TransferStatus.IoError, e.Message, e);
            FileTransferLog.RequestFailed(logger, error.Status, error.Message);
            new ErrorRecord(error.Status, error.Message).Write(writer);
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            await pipe.Output.CompleteAsync().ConfigureAwait(false);

            // Whatever the client still sends (the rest of a PUT) is read and dropped until it closes its side, so the
            // flow ends cleanly and the ERROR record reaches it, instead of a reset that could overtake the record.
            await DrainAsync(pipe.Input, cancellationToken).ConfigureAwait(false);
            return;
        }

        await pipe.Output.CompleteAsync().ConfigureAwait(false);
        await pipe.Input.CompleteAsync().ConfigureAwait(false);
    }

    private static async Task DrainAsync(PipeReader input, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            input.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted || result.IsCanceled)
            {
                break;
            }
        }

        await input.CompleteAsync().ConfigureAwait(false);
    }

    private async Task ServeAsync(TransferRequest request, RecordReader reader, RecordWriter writer, CancellationToken cancellationToken)
    {
        switch (request.Op)
        {
            case TransferOp.Put:
                await PutAsync(request, reader, writer, cancellationToken).ConfigureAwait(false);
                break;
            case TransferOp.Get:
                await GetAsync(request, reader, writer, cancellationToken).ConfigureAwait(false);
                break;
            case TransferOp.Stat:
                var path = exports.Resolve(request.Path, 0);
                if (!Path.Exists(path.FullPath))
                {
                    throw new FileTransferException(TransferStatus.NotFound, $"'{request.Path}': no such file or directory");
                }

                FileInfoRecord.Of(path.FullPath).Write(writer);
                await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                break;
            default:
                await ListAsync(request, writer, cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    private async Task PutAsync(TransferRequest request, RecordReader reader, RecordWriter writer, CancellationToken cancellationToken)
    {
        var before = engine(false);
        var path = exports.Resolve(request.Path, ExportAccess.Write);
        if (request.Path.EndsWith('/') || Directory.Exists(path.FullPath))
        {
            if (request.Name.Length == 0)
            {
                throw new FileTransferException(TransferStatus.WrongType, $"'{request.Path}' is a directory");
            }

            path = path.Child(request.Name);
        }

        if ((request.Flags & TransferFlags.MakeParents) != 0 && Path.GetDirectoryName(path.FullPath) is { } parent)
        {
            Directory.CreateDirectory(parent);
        }

        ExportResolver.CheckContained(path, request.Path);
        var basis = (path.Export.Access & ExportAccess.Read) != 0 && (request.Flags & TransferFlags.NoBasis) == 0;
        using var receiver = FileReceiver.Open(path.FullPath, (request.Flags & TransferFlags.Resume) != 0, cancellationToken, basis);
        if ((request.Flags & TransferFlags.NoBasis) == 0)
        {
            await receiver.Basis.WriteAsync(writer, cancellationToken).ConfigureAwait(false);
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        var received = await receiver.ReceiveAsync(reader, null, cancellationToken).ConfigureAwait(false);
        if ((request.Flags & TransferFlags.Preserve) != 0)
        {
            Preserve(received.Path, request.ModifiedUnixMs, request.Mode);
        }

        var figures = engine(false).Since(before);
        new ResultRecord(received.Length, received.Sha256, figures.WanBytes, figures.CacheBytes).Write(writer);
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        FileTransferLog.Received(logger, request.Path, received.Length, received.Sender.BasisBytes, figures.WanBytes, figures.CacheBytes);
    }

    private async Task GetAsync(TransferRequest request, RecordReader reader, RecordWriter writer, CancellationToken cancellationToken)
    {
        var before = engine(true);
        var path = exports.Resolve(request.Path, ExportAccess.Read);
        if (Directory.Exists(path.FullPath))
        {
            throw new FileTransferException(TransferStatus.WrongType, $"'{request.Path}' is a directory (copy it with -r)");
        }

        if (!File.Exists(path.FullPath))
        {
            throw new FileTransferException(TransferStatus.NotFound, $"'{request.Path}': no such file");
        }

        var plan = SourcePlan.Build(path.FullPath, request.Policy);
        FileInfoRecord.Of(path.FullPath).Write(writer);
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        var basis = await BasisIndex.ReadAsync(reader, plan.Length, cancellationToken).ConfigureAwait(false);
        EndRecord end;
        try
        {
            end = await FileSender.SendAsync(path.FullPath, plan, basis, writer, null, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FileTransferException(TransferStatus.IoError, $"'{request.Path}': {e.Message}", e);
        }

        // The encoder reports references only for what it has encoded: wait until it has taken everything written. It
        // lags by what the pipe and the channel window hold (~5 MiB, 4 s at 10 Mbit/s); the client is still receiving
        // those bytes meanwhile, so the wait costs nothing. Bounded at 2 minutes; after that the figures are partial.
        var figures = engine(true);
        for (var i = 0; i < 6000 && figures.EncodedBytes < writer.BytesWritten; i++)
        {
            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
            figures = engine(true);
        }

        figures = figures.Since(before);
        new ResultRecord(end.Length, end.Sha256, figures.WanBytes, figures.CacheBytes).Write(writer);
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        FileTransferLog.Sent(logger, request.Path, end.Length, end.Figures.DiskBytesRead, figures.WanBytes, figures.CacheBytes);
    }

    private async Task ListAsync(TransferRequest request, RecordWriter writer, CancellationToken cancellationToken)
    {
        var path = exports.Resolve(request.Path, ExportAccess.Read);
        if (!Directory.Exists(path.FullPath))
        {
            throw new FileTransferException(TransferStatus.WrongType, $"'{request.Path}' is not a directory");
        }

        // Symbolic links are skipped, so a listing never leads outside the export.
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true };
        var count = 0;
        foreach (var file in Directory.EnumerateFiles(path.FullPath, "*", options))
        {
            if (++count > MaxListEntries)
            {
                throw new FileTransferException(TransferStatus.IoError, $"'{request.Path}' holds more than {MaxListEntries} files");
            }

            var relative = Path.GetRelativePath(path.FullPath, file).Replace(Path.DirectorySeparatorChar, '/');
            if (relative.Split('/').Any(p => p.StartsWith('.') && p.EndsWith(".wanaccel-part", StringComparison.Ordinal)))
            {
                continue;
            }

            FileInfoRecord.Of(file, relative).Write(writer, RecordType.Entry);
            await writer.FlushIfDueAsync(cancellationToken).ConfigureAwait(false);
        }

        writer.Write(RecordType.ListEnd, []);
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    internal static void Preserve(string path, long modifiedUnixMs, uint mode)
    {
        File.SetLastWriteTimeUtc(path, DateTimeOffset.FromUnixTimeMilliseconds(modifiedUnixMs).UtcDateTime);
        if (!OperatingSystem.IsWindows() && mode != 0)
        {
            // Permission bits only: a peer never creates set-user-id, set-group-id or sticky files here.
            File.SetUnixFileMode(path, (UnixFileMode)(mode & 0x1FF));
        }
    }
}
