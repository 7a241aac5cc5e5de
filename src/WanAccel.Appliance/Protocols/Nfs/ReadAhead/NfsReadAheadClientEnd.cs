using System.Buffers;
using System.IO.Pipelines;
using WanAccel.Appliance.Interception;
using WanAccel.Appliance.Protocols.Rpc;

namespace WanAccel.Appliance.Protocols.Nfs.ReadAhead;

/// <summary>
/// The edge's side of NFS read-ahead, around the client's connection: takes the core's read-ahead replies out of the
/// server's stream into a bounded cache and answers a client READ of exactly the same (fh, offset, count) from it,
/// rewriting only the XID, telling the core with a <see cref="AnnotationKind.Consumed"/> annotation. Every other call is
/// forwarded unchanged. Anything it cannot follow (a multi-fragment or non-CALL client record) makes it send
/// <see cref="AnnotationKind.Stop"/> and pass bytes through from then on.
/// </summary>
internal sealed partial class NfsReadAheadClientEnd : InterposedEnd
{
    /// <summary>Calls up to this size are read whole (READ calls are ~150 bytes, ~950 with the largest credential).</summary>
    private const int SmallRecord = 4096;

    private readonly SemaphoreSlim _clientWrite = new(1, 1);
    private readonly ReadAheadCache _cache;
    private readonly Lock _cacheLock = new();
    private volatile bool _coreStopped;
    private bool _clientOutputDone;
    private int _answering;

    public NfsReadAheadClientEnd(IFlowEndpoint client, long cacheBytes, NfsReadAheadStatistics statistics)
        : base(client)
    {
        _cache = new ReadAheadCache(cacheBytes);
        Statistics = statistics;
        Start();
    }

    public NfsReadAheadStatistics Statistics { get; }

    /// <summary>Client → flow: READs answered from the cache stay here; everything else is forwarded.</summary>
    protected override async Task PumpInwardAsync()
    {
        var reader = new RecordReader(Inner.Input);
        var flow = ToFlow.Writer;
        Exception? error = null;
        try
        {
            var stopped = false;
            while (true)
            {
                if (!stopped && _coreStopped)
                {
                    await SendAsync(flow, AnnotationKind.Stop, default, 0, 0).ConfigureAwait(false);
                    stopped = true;
                }

                if (stopped)
                {
                    await reader.ForwardRestAsync(flow, Aborted).ConfigureAwait(false);
                    break;
                }

                if (!await reader.FillAsync(RecordMark.Length, Aborted).ConfigureAwait(false))
                {
                    await reader.ForwardRestAsync(flow, Aborted).ConfigureAwait(false);
                    break;
                }

                var (last, length) = reader.Mark();
                var look = RecordMark.Length + (length <= SmallRecord ? length : RpcRecordStream.HeaderCapacity);
                var whole = await reader.FillAsync(look, Aborted).ConfigureAwait(false);
                if (!last || length < 8 || !whole || reader.Word(8) != (uint)RpcMessageType.Call)
                {
                    // A record this side does not follow: tell the core, then plain bytes both ways.
                    stopped = true;
                    StopCache();
                    await SendAsync(flow, AnnotationKind.Stop, default, 0, 0).ConfigureAwait(false);
                    continue;
                }

                if (!await CallAsync(reader, length, flow).ConfigureAwait(false))
                {
                    break;
                }
            }
        }
        catch (Exception e)
        {
            error = e;
        }

        reader.Release();
        await Inner.Input.CompleteAsync(error).ConfigureAwait(false);
        await flow.CompleteAsync(error).ConfigureAwait(false);
    }

    /// <summary>One client call (mark and its first bytes buffered): answered here or forwarded. False when the client's stream ended inside it.</summary>
    private async ValueTask<bool> CallAsync(RecordReader reader, int length, PipeWriter flow)
    {
        var look = (int)Math.Min(length, Math.Min(reader.Buffer.Length - RecordMark.Length, SmallRecord));
        var message = new byte[look];
        reader.Buffer.Slice(RecordMark.Length, look).CopyTo(message);
        var (kind, reply, xid, handle, offset, count) = Decide(message);
        if (reply is null)
        {
            if (kind == ClientCallKind.Read)
            {
                Statistics.Forwarded();
            }

            return await reader.ForwardAsync(RecordMark.Length + (long)length, flow, Aborted).ConfigureAwait(false);
        }

        reader.Skip(RecordMark.Length + (long)length);
        try
        {
            await AnswerAsync(xid, reply).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _answering);
        }

        Statistics.Answered();
        await SendAsync(flow, AnnotationKind.Consumed, handle, offset, count).ConfigureAwait(false);
        return true;
    }

    /// <summary>What to do with a call: the cached reply to a READ, if any; the cache told of changes.</summary>
    private (ClientCallKind Kind, byte[]? Reply, uint Xid, byte[]? Handle, ulong Offset, uint Count) Decide(ReadOnlySpan<byte> message)
    {
        var call = ClientCall.Read(message);
        lock (_cacheLock)
        {
            switch (call.Kind)
            {
                case ClientCallKind.Read:
                    var reply = _cache.Take(NfsFileHandle.Key(call.Handle), call.Offset, call.Count);
                    if (reply is not null)
                    {
                        Interlocked.Increment(ref _answering); // under the cache lock: none starts after the cache is off
                    }

                    return (call.Kind, reply, call.Xid, reply is null ? null : call.Handle.ToArray(), call.Offset, call.Count);
                case ClientCallKind.ChangesData:
                    _cache.Changed(NfsFileHandle.Key(call.Handle));
                    break;
                case ClientCallKind.ChangesNames:
                    _cache.Clear();
                    break;
            }
        }

        return (call.Kind, null, 0, null, 0, 0);
    }

    /// <summary>Writes the cached reply to the client as one record, with the client's XID in place of the core's.</summary>
    private async Task AnswerAsync(uint xid, byte[] reply)
    {
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(reply, xid);
        await _clientWrite.WaitAsync(Aborted).ConfigureAwait(false);
        try
        {
            if (_clientOutputDone)
            {
                return;
            }

            var output = Inner.Output;
            RecordMark.WriteSingle(output.GetSpan(RecordMark.Length), reply.Length);
            output.Advance(RecordMark.Length);
            output.Write(reply);
            await RecordReader.FlushAsync(output, Aborted).ConfigureAwait(false);
        }
        finally
        {
            _clientWrite.Release();
        }
    }

    private async ValueTask SendAsync(PipeWriter flow, AnnotationKind kind, byte[]? handle, ulong offset, uint count)
    {
        flow.Write(Annotation.Create(kind, handle, offset, count, default));
        await RecordReader.FlushAsync(flow, Aborted).ConfigureAwait(false);
    }

    private void StopCache()
    {
        lock (_cacheLock)
        {
            _cache.Off();
        }
    }
}
