using System.Buffers;
using WanAccel.Core.Compression;
using WanAccel.Core.Fingerprints;
using WanAccel.Core.Knowledge;
using WanAccel.Core.Wire;

namespace WanAccel.Core.Codec;

/// <summary>Data frames: zero runs, references, literals, manifests and resends.</summary>
public sealed partial class StreamDecoder
{
    private const long MaxManifestLength = (long)WireLimits.MaxManifestChunks * ChunkLimits.MaxChunkSize;

    private void OnZero(long length)
    {
        Statistics.ZeroBytes += length;
        if (_holes.Count > 0)
        {
            EnsurePendingRoom(length);
            _pending.AppendZeros(length);
        }
        else
        {
            _output.WriteZeros(length);
            AppendZerosToChecksum(length);
            Advanced(length);
        }

        _position += length;
    }

    /// <summary>Raw bytes at the current position: not hashed, not stored, not in the chunk history (a manifest never spans them).</summary>
    private void OnPassthrough(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            throw new WireFormatException(WireError.Malformed, "empty Passthrough frame");
        }

        if (data.Length > WireLimits.MaxPassthroughBytes)
        {
            throw new WireFormatException(WireError.LimitExceeded, $"Passthrough frame of {data.Length} bytes (limit {WireLimits.MaxPassthroughBytes})");
        }

        Statistics.PassthroughBytes += data.Length;
        Emit(data);
    }

    private void OnRef(ref SpanReader reader)
    {
        var id = reader.ReadChunkId();
        var length = reader.ReadInt32(1, ChunkLimits.MaxChunkSize, "length");
        PushHistory(id);
        if (TryEmitChunk(id, length))
        {
            Statistics.RefChunks++;
            Statistics.RefBytes += length;
        }
        else
        {
            Miss(length, id);
        }
    }

    private void OnManifestRef(ref SpanReader reader)
    {
        var id = reader.ReadChunkId();
        var length = reader.ReadInt64(MaxManifestLength, "length");
        var count = reader.ReadInt32(1, WireLimits.MaxManifestChunks, "chunk count");
        if (length == 0)
        {
            throw new WireFormatException(WireError.Malformed, "empty ManifestRef");
        }

        Span<ChunkId> ids = stackalloc ChunkId[count];
        Span<int> lengths = stackalloc int[count];
        if (!TryLoadManifest(id, ids, lengths, length, out var missing))
        {
            Miss(length, missing);
            return;
        }

        Statistics.ManifestRefs++;
        var start = _position;
        for (var i = 0; i < count; i++)
        {
            if (!TryEmitChunk(ids[i], lengths[i]))
            {
                // A record failed verification while reading: what is left of the range is resent.
                Miss(start + length - _position, ids[i]);
                return;
            }
        }
    }

    /// <summary>Loads a manifest's ids and their stored lengths; checks that the store holds every chunk and the lengths add up.</summary>
    private bool TryLoadManifest(in ChunkId id, Span<ChunkId> ids, Span<int> lengths, long length, out ChunkId missing)
    {
        missing = id;
        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(ids);
        if (!_store.TryGetLength(id, out var stored) || stored != bytes.Length || _store.TryRead(id, bytes) != bytes.Length
            || Manifest.ComputeId(ids) != id)
        {
            return false;
        }

        long total = 0;
        for (var i = 0; i < ids.Length; i++)
        {
            if (!_store.TryGetLength(ids[i], out lengths[i]))
            {
                missing = ids[i];
                return false;
            }

            total += lengths[i];
        }

        return total == length;
    }

    private void OnManifestDef(ref SpanReader reader)
    {
        var id = reader.ReadChunkId();
        var count = reader.ReadInt32(2, WireLimits.MaxManifestChunks, "chunk count");
        if (count > _historyCount)
        {
            throw new WireFormatException(WireError.Malformed, $"ManifestDef of {count} chunks after only {_historyCount}");
        }

        Span<ChunkId> ids = stackalloc ChunkId[count];
        for (var i = 0; i < count; i++)
        {
            ids[i] = _history[(_historyNext - count + i + _history.Length) % _history.Length];
        }

        if (Manifest.ComputeId(ids) != id)
        {
            throw new WireFormatException(WireError.IntegrityFailure, $"ManifestDef {id} does not name the last {count} chunks");
        }

        _store.TryAdd(id, Manifest.AsBytes(ids));
    }

    private void OnLiterals(ref SpanReader reader, long resendOffset, int resendLength)
    {
        var frame = _frame;
        var payload = frame.Parse(ref reader);
        if (resendOffset >= 0 && frame.RawLength != resendLength)
        {
            throw new WireFormatException(WireError.Malformed, $"Resend of {resendLength} bytes carries {frame.RawLength}");
        }

        try
        {
            DecodeLiterals(frame, payload, workers: Math.Min(_options.Parallelism, frame.Count / 8));
            CountCodec(frame.Codec);
            var data = frame.Raw.AsSpan(0, frame.RawLength);
            if (resendOffset >= 0)
            {
                FillHole(resendOffset, data);
                return;
            }

            for (var i = 0; i < frame.Count; i++)
            {
                PushHistory(frame.Ids[i]);
            }

            Statistics.LiteralChunks += frame.Count;
            Statistics.LiteralBytes += frame.RawLength;
            Emit(data);
        }
        finally
        {
            frame.Release();
        }
    }

    /// <summary>
    /// Decompresses a Literals frame into <see cref="LiteralSlot.Raw"/> (pooled; the caller releases it), re-hashes every
    /// chunk on <paramref name="workers"/> threads and rejects the frame if one does not match; then stores the chunks
    /// with one append and tells the sender's knowledge. Touches no decoder state but the store and that knowledge, so
    /// the frames of a run can go through it side by side.
    /// </summary>
    private void DecodeLiterals(LiteralSlot frame, ReadOnlySpan<byte> payload, int workers)
    {
        frame.Raw = ArrayPool<byte>.Shared.Rent(frame.RawLength);
        var raw = frame.Raw.AsSpan(0, frame.RawLength);
        frame.Decompressor.Decompress(frame.Codec, payload, raw);
        frame.Verify(workers);
        _store.AddRange(frame.Ids.AsSpan(0, frame.Count), frame.Lengths.AsSpan(0, frame.Count), raw);
        for (var i = 0; i < frame.Count; i++)
        {
            _senderKnowledge?.Add(frame.Ids[i], frame.Lengths[i]);
        }
    }

    private void CountCodec(CodecKind codec)
    {
        if (codec == CodecKind.Lz4)
        {
            Statistics.Lz4Frames++;
        }
        else if (codec == CodecKind.Zstd)
        {
            Statistics.ZstdFrames++;
        }
    }
}
