using System.Buffers;
using WanAccel.Appliance.Protocols.Rpc;

namespace WanAccel.Appliance.Protocols.Nfs.ReadAhead;

internal sealed partial class NfsReadAheadClientEnd
{
    /// <summary>Flow → client: the server's records go through whole (never interleaved with local answers), annotations into the cache.</summary>
    protected override async Task PumpOutwardAsync()
    {
        var reader = new RecordReader(FromFlow.Reader);
        var client = Inner.Output;
        Exception? error = null;
        try
        {
            while (!_coreStopped && await reader.FillAsync(RecordMark.Length, Aborted).ConfigureAwait(false))
            {
                var (last, length) = reader.Mark();
                if (last && length >= 8 && await reader.FillAsync(RecordMark.Length + 8, Aborted).ConfigureAwait(false)
                    && Annotation.Is(reader.Word(4), reader.Word(8)))
                {
                    if (length > Annotation.MaxBytes || !await reader.FillAsync(RecordMark.Length + (long)length, Aborted).ConfigureAwait(false))
                    {
                        throw new InvalidDataException($"NFS read-ahead: an annotation of {length} bytes is cut short or too long");
                    }

                    Take(reader.Buffer.Slice(RecordMark.Length, length));
                    reader.Skip(RecordMark.Length + (long)length);
                    continue;
                }

                await _clientWrite.WaitAsync(Aborted).ConfigureAwait(false);
                try
                {
                    await reader.ForwardRecordAsync(client, Aborted).ConfigureAwait(false);
                }
                finally
                {
                    _clientWrite.Release();
                }
            }

            // Plain from here: no answer starts any more; one already taken from the cache is written first.
            StopCache();
            while (Volatile.Read(ref _answering) > 0)
            {
                await Task.Delay(1, Aborted).ConfigureAwait(false);
            }

            await reader.ForwardRestAsync(client, Aborted).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            error = e;
        }

        await _clientWrite.WaitAsync().ConfigureAwait(false); // never held long: every holder's waits end on abort
        _clientOutputDone = true;
        _clientWrite.Release();
        reader.Release();
        await FromFlow.Reader.CompleteAsync(error).ConfigureAwait(false);
        await client.CompleteAsync(error).ConfigureAwait(false);
    }

    private void Take(ReadOnlySequence<byte> record)
    {
        var body = record.IsSingleSegment ? record.FirstSpan : record.ToArray();
        if (!Annotation.TryRead(body, out var kind, out var handle, out var offset, out var count, out var message))
        {
            throw new InvalidDataException("NFS read-ahead: a malformed annotation");
        }

        lock (_cacheLock)
        {
            switch (kind)
            {
                case AnnotationKind.ReadReply when message.Length >= 8:
                    if (!_cache.Add(NfsFileHandle.Key(handle), offset, count, message))
                    {
                        Statistics.Dropped();
                    }

                    break;
                case AnnotationKind.Drop:
                    _cache.Changed(NfsFileHandle.Key(handle));
                    break;
                case AnnotationKind.Stop:
                    _cache.Off();
                    _coreStopped = true;
                    break;
                default:
                    throw new InvalidDataException($"NFS read-ahead: annotation kind {(uint)kind} is not for the edge");
            }
        }
    }
}
