using System.Buffers;
using System.IO.Hashing;
using System.Text;

namespace WanAccel.Appliance.Protocols.Http;

/// <summary>
/// Follows HTTP/1.x on one connection (the HTTP proxy's connections to origins): request and response heads, bodies
/// framed by Content-Length, chunked transfer coding or the connection's close. Each request target is a file: a PUT or
/// POST body is written file data, a 200/206 body read file data (from the Content-Range start for 206); in chunked
/// bodies only the chunk data is file data. A file ends with its response. Upgrades, CONNECT
/// and anything malformed stop the parser.
/// </summary>
internal sealed class Http1Parser(IProtocolEvents events) : IProtocolParser
{
    /// <summary>Longest request or response head followed.</summary>
    public const int MaxHead = 64 * 1024;

    /// <summary>Most requests awaiting their responses (pipelining).</summary>
    public const int MaxPending = 64;

    private readonly Lock _lock = new();
    private readonly HttpMessageReader _requests = new();
    private readonly HttpMessageReader _responses = new();
    private readonly Queue<HttpRequestHead> _pending = new();

    public string Protocol => "http";

    public bool Stopped { get; private set; }

    public void Feed(StreamDirection direction, ReadOnlySequence<byte> data)
    {
        lock (_lock)
        {
            if (Stopped)
            {
                return;
            }

            var reader = direction == StreamDirection.ToServer ? _requests : _responses;
            var error = reader.Feed(data, direction, this);
            if (error is not null)
            {
                Stop(error);
            }
        }
    }

    /// <summary>A request head was read; returns how its body is framed, or an error.</summary>
    internal string? OnRequest(ReadOnlySpan<byte> head, out BodyFraming framing)
    {
        framing = default;
        if (!HttpHead.TryParseRequest(head, out var method, out var target, out var headers))
        {
            return "malformed request head";
        }

        if (method == "CONNECT" || headers.Upgrade)
        {
            return "connection upgraded or tunnelled";
        }

        if (_pending.Count == MaxPending)
        {
            return "too many requests awaiting responses";
        }

        var name = headers.Host is null ? target : headers.Host + target;
        var file = Key(name);
        _pending.Enqueue(new HttpRequestHead(method, file));
        events.FileOpened(file, name);
        framing = new BodyFraming(headers.Chunked, headers.Chunked ? 0 : Math.Max(0, headers.ContentLength), CloseDelimited: false, file,
            method is "PUT" or "POST" ? FileDataKind.Write : null, FileOffset: 0);
        return null;
    }

    /// <summary>A response head was read; returns how its body is framed, or an error.</summary>
    internal string? OnResponse(ReadOnlySpan<byte> head, out BodyFraming framing)
    {
        framing = default;
        if (!HttpHead.TryParseResponse(head, out var status, out var headers))
        {
            return "malformed response head";
        }

        if (status == 101 || headers.Upgrade)
        {
            return "connection upgraded";
        }

        if (status is >= 100 and < 200)
        {
            framing = new BodyFraming(false, 0, false, 0, null, 0); // interim response: the real one follows
            return null;
        }

        if (!_pending.TryDequeue(out var request))
        {
            return "response without a request";
        }

        var noBody = request.Method == "HEAD" || status is 204 or 304;
        var kind = status is 200 or 206 && request.Method is "GET" ? FileDataKind.Read : (FileDataKind?)null;
        var offset = status == 206 ? headers.RangeStart : 0;
        framing = noBody
            ? new BodyFraming(false, 0, false, request.File, null, 0)
            : new BodyFraming(headers.Chunked, headers.Chunked ? 0 : Math.Max(0, headers.ContentLength),
                CloseDelimited: !headers.Chunked && headers.ContentLength < 0, request.File, kind, offset);
        if (noBody || (!headers.Chunked && headers.ContentLength == 0))
        {
            events.FileClosed(request.File);
        }

        return null;
    }

    internal void OnBodyData(BodyFraming framing, StreamDirection direction, long streamOffset, long fileOffset, long length)
    {
        if (framing.Kind is not { } kind)
        {
            return;
        }

        // File data of any length in pieces an int holds, split at 1 GiB file offsets (multiples of any anchor size).
        while (length > 0)
        {
            var piece = (int)Math.Min(length, (1L << 30) - (fileOffset & ((1L << 30) - 1)));
            events.FileData(framing.File, kind, direction, streamOffset, fileOffset, piece);
            streamOffset += piece;
            fileOffset += piece;
            length -= piece;
        }
    }

    /// <summary>A body ended: a response's ends its file (a request's file ends with its response).</summary>
    internal void OnBodyEnd(BodyFraming framing, StreamDirection direction)
    {
        if (direction == StreamDirection.ToClient)
        {
            events.FileClosed(framing.File);
        }
    }

    private static UInt128 Key(string name) => XxHash128.HashToUInt128(Encoding.UTF8.GetBytes(name));

    private void Stop(string reason)
    {
        Stopped = true;
        events.ParserStopped(reason);
    }
}
