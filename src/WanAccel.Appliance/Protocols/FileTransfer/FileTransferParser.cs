using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using WanAccel.Appliance.FileTransfer;
using WanAccel.Appliance.FileTransfer.Protocol;

namespace WanAccel.Appliance.Protocols.FileTransfer;

/// <summary>
/// Follows <c>wanaccel cp</c>'s record protocol (docs/file-transfer.md) on a file-service flow: a PUT's file is the
/// client's DATA/HOLE/COPY records after its REQUEST, a GET's the server's after its FILE record; DATA payloads are file
/// data at the position the records reached. Names: a PUT's target path, a GET's requested path (the server answers
/// STAT, GET and LIST in order; a reply it cannot pair only loses the name). Lengths are checked against each record
/// type's limit before anything is buffered; a bad record stops the parser.
/// </summary>
internal sealed class FileTransferParser(IProtocolEvents events) : IProtocolParser
{
    private const int MaxPending = 1024;

    private readonly Lock _lock = new();
    private readonly RecordStream _client = new(StreamDirection.ToServer);
    private readonly RecordStream _server = new(StreamDirection.ToClient);
    private readonly Queue<(TransferOp Op, string Path)> _asked = new();

    public string Protocol => "file";

    public bool Stopped { get; private set; }

    public void Feed(StreamDirection direction, ReadOnlySequence<byte> data)
    {
        lock (_lock)
        {
            if (Stopped)
            {
                return;
            }

            var error = (direction == StreamDirection.ToServer ? _client : _server).Feed(data, this);
            if (error is not null)
            {
                Stopped = true;
                events.ParserStopped(error);
            }
        }
    }

    /// <summary>A buffered control record of <paramref name="stream"/>; returns an error to stop.</summary>
    internal string? OnRecord(RecordStream stream, RecordType type, ReadOnlySequence<byte> payload)
    {
        switch (type)
        {
            case RecordType.Request:
                TransferRequest request;
                try
                {
                    request = TransferRequest.Parse(payload);
                }
                catch (FileTransferException e)
                {
                    return e.Message;
                }

                if (request.Op == TransferOp.Put)
                {
                    Begin(stream, request.Name.Length > 0 ? $"{request.Path.TrimEnd('/')}/{request.Name}" : request.Path);
                }
                else if (_asked.Count < MaxPending)
                {
                    _asked.Enqueue((request.Op, request.Path));
                }
                else
                {
                    return "too many requests awaiting replies";
                }

                return null;
            case RecordType.FileInfo when stream == _server:
                while (_asked.TryDequeue(out var asked))
                {
                    if (asked.Op == TransferOp.Get)
                    {
                        Begin(stream, asked.Path);
                        break;
                    }

                    if (asked.Op == TransferOp.Stat)
                    {
                        break;
                    }
                }

                return null;
            case RecordType.Hole or RecordType.Copy:
                if (payload.Length != 8)
                {
                    return $"{type} record of {payload.Length} bytes";
                }

                Span<byte> n = stackalloc byte[8];
                payload.CopyTo(n);
                var length = BinaryPrimitives.ReadInt64LittleEndian(n);
                if (length < 0 || length > ProtocolLimits.MaxFileSize)
                {
                    return $"{type} of {length} bytes";
                }

                stream.FilePosition += length;
                return null;
            case RecordType.End when stream.File is { } file:
                events.FileClosed(file);
                stream.File = null;
                return null;
            case RecordType.ListEnd or RecordType.Error when stream == _server:
                _asked.TryDequeue(out _);
                return null;
            default:
                return null;
        }
    }

    /// <summary>A DATA record's payload starts at <paramref name="streamOffset"/>.</summary>
    internal void OnData(RecordStream stream, long streamOffset, int length)
    {
        if (stream.File is { } file)
        {
            events.FileData(file, stream == _client ? FileDataKind.Write : FileDataKind.Read, stream.Direction, streamOffset, stream.FilePosition, length);
        }

        stream.FilePosition += length;
    }

    private void Begin(RecordStream stream, string name)
    {
        var file = XxHash128.HashToUInt128(Encoding.UTF8.GetBytes(name));
        stream.File = file;
        stream.FilePosition = 0;
        events.FileOpened(file, name);
    }
}
