using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using WanAccel.Appliance.Interception;
using WanAccel.Appliance.Protocols.Rpc;

namespace WanAccel.Appliance.Protocols.Nfs.ReadAhead;

/// <summary>
/// The core's side of NFS read-ahead, around the connection to the server: forwards the client's calls unchanged,
/// and once a file is read sequentially (two READs of the same count at consecutive offsets) reads up to
/// <c>depth</c> bytes ahead of the client on its own connection (<see cref="ReadAheadConnection"/>), putting each reply
/// into the server's stream as an <see cref="AnnotationKind.ReadReply"/> between the server's own records. The client's
/// progress is what it asks for: forwarded READs and the edge's <see cref="AnnotationKind.Consumed"/> annotations
/// (stripped here). A server record it cannot follow ends read-ahead: a <see cref="AnnotationKind.Stop"/>, then plain bytes.
/// </summary>
internal sealed partial class NfsReadAheadServerEnd : InterposedEnd
{
    private readonly SemaphoreSlim _flowWrite = new(1, 1);
    private readonly ReadAheadConnection _connection;
    private readonly long _depth;
    private bool _flowOutputDone;

    public NfsReadAheadServerEnd(IFlowEndpoint server, long depth, Func<CancellationToken, Task<Socket>> connect, NfsReadAheadStatistics statistics)
        : base(server)
    {
        _depth = depth;
        Statistics = statistics;
        _connection = new ReadAheadConnection(connect, OnReplyAsync);
        Start();
    }

    public NfsReadAheadStatistics Statistics { get; }

    protected override ValueTask StoppedAsync() => _connection.DisposeAsync();

    /// <summary>Flow → server: the client's calls, forwarded unchanged (READs watched); the edge's annotations taken out.</summary>
    protected override async Task PumpOutwardAsync()
    {
        var reader = new RecordReader(FromFlow.Reader);
        var server = Inner.Output;
        Exception? error = null;
        try
        {
            while (!Stopped && await reader.FillAsync(RecordMark.Length, Aborted).ConfigureAwait(false))
            {
                var (last, length) = reader.Mark();
                var look = RecordMark.Length + Math.Min(length, RpcRecordStream.HeaderCapacity);
                if (!last || length < 8 || !await reader.FillAsync(look, Aborted).ConfigureAwait(false))
                {
                    StopReadAhead(); // the edge stops before anything like this; never expected
                    break;
                }

                var message = new byte[look - RecordMark.Length];
                reader.Buffer.Slice(RecordMark.Length, message.Length).CopyTo(message);
                if (Annotation.Is(reader.Word(4), reader.Word(8)))
                {
                    if (length > RpcRecordStream.HeaderCapacity || !Annotation.TryRead(message, out var kind, out var handle, out var offset, out var count, out _))
                    {
                        throw new InvalidDataException("NFS read-ahead: a malformed annotation from the edge");
                    }

                    reader.Skip(RecordMark.Length + (long)length);
                    await OnEdgeAsync(kind, handle.ToArray(), offset, count).ConfigureAwait(false);
                    continue;
                }

                await OnCallAsync(message).ConfigureAwait(false);
                if (!await reader.ForwardAsync(RecordMark.Length + (long)length, server, Aborted).ConfigureAwait(false))
                {
                    break;
                }
            }

            await reader.ForwardRestAsync(server, Aborted).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            error = e;
        }

        reader.Release();
        await FromFlow.Reader.CompleteAsync(error).ConfigureAwait(false);
        await server.CompleteAsync(error).ConfigureAwait(false);
    }

    /// <summary>Server → flow: the server's records go through whole; read-ahead replies are injected only between them.</summary>
    protected override async Task PumpInwardAsync()
    {
        var reader = new RecordReader(Inner.Input);
        var flow = ToFlow.Writer;
        Exception? error = null;
        try
        {
            while (await reader.FillAsync(RecordMark.Length, Aborted).ConfigureAwait(false))
            {
                var (_, length) = reader.Mark();
                var followed = length >= 8 && await reader.FillAsync(RecordMark.Length + 8, Aborted).ConfigureAwait(false)
                    && reader.Word(8) == (uint)RpcMessageType.Reply && !Annotation.Is(reader.Word(4), reader.Word(8));
                await _flowWrite.WaitAsync(Aborted).ConfigureAwait(false);
                try
                {
                    if (!followed)
                    {
                        break; // a record the edge could mistake or not follow: stop below, before it
                    }

                    if (!await reader.ForwardRecordAsync(flow, Aborted).ConfigureAwait(false))
                    {
                        break;
                    }
                }
                finally
                {
                    _flowWrite.Release();
                }
            }

            // From here the stream is plain: one Stop for the edge, then nothing is injected any more.
            await _flowWrite.WaitAsync(Aborted).ConfigureAwait(false);
            try
            {
                StopReadAhead();
                flow.Write(Annotation.Create(AnnotationKind.Stop, default, 0, 0, default));
                _flowOutputDone = true;
                await RecordReader.FlushAsync(flow, Aborted).ConfigureAwait(false);
            }
            finally
            {
                _flowWrite.Release();
            }

            await reader.ForwardRestAsync(flow, Aborted).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            error = e;
            _flowOutputDone = true;
        }

        reader.Release();
        await Inner.Input.CompleteAsync(error).ConfigureAwait(false);
        await flow.CompleteAsync(error).ConfigureAwait(false);
    }

    /// <summary>Puts an annotation into the flow between two server records (dropped once the stream went plain).</summary>
    private async Task InjectAsync(byte[] annotation)
    {
        await _flowWrite.WaitAsync(Aborted).ConfigureAwait(false);
        try
        {
            if (_flowOutputDone)
            {
                return;
            }

            ToFlow.Writer.Write(annotation);
            await RecordReader.FlushAsync(ToFlow.Writer, Aborted).ConfigureAwait(false);
        }
        finally
        {
            _flowWrite.Release();
        }
    }
}
