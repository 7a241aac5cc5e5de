using System.Buffers;
using System.Runtime.InteropServices;
using WanAccel.Core.Chunking;
using WanAccel.Core.Compression;
using WanAccel.Core.Fingerprints;
using WanAccel.Core.Wire;

namespace WanAccel.Core.Codec;

/// <summary>Compresses the step's literal batches in parallel, then writes all ops in order.</summary>
public sealed partial class StreamEncoder
{
    /// <param name="keepTrailingZero">Hold a trailing zero run back so that the next step can extend it (one frame per run).</param>
    private void WriteOps(ReadOnlyMemory<byte> step, IBufferWriter<byte> output, bool keepTrailingZero = false)
    {
        EncodeOp? carry = null;
        if (keepTrailingZero && _ops.Count > 0 && _ops[^1].Kind == OpKind.Zero)
        {
            carry = _ops[^1];
            _ops.RemoveAt(_ops.Count - 1);
        }

        var ops = CollectionsMarshal.AsSpan(_ops);
        CompressLiterals(step, ops);
        var span = step.Span;
        var ids = _chunkIds.AsSpan();
        var lengths = _chunkLengths.AsSpan();
        long wire = 0;
        foreach (ref var op in ops)
        {
            switch (op.Kind)
            {
                case OpKind.Zero:
                    wire += FrameWriter.WriteZero(output, op.Length);
                    break;
                case OpKind.Ref:
                    wire += FrameWriter.WriteRef(output, op.Id, (int)op.Length);
                    break;
                case OpKind.ManifestRef:
                    wire += FrameWriter.WriteManifestRef(output, op.Id, op.Length, op.Manifest!.Chunks.Length);
                    break;
                case OpKind.ManifestDef:
                    wire += FrameWriter.WriteManifestDef(output, op.Id, op.ChunkCount);
                    break;
                case OpKind.Literals:
                    var raw = span.Slice(op.InputStart, (int)op.Length);
                    KeepSent(raw, ids.Slice(op.FirstChunk, op.ChunkCount), lengths.Slice(op.FirstChunk, op.ChunkCount));
                    var payload = op.Compressed is null ? raw : op.Compressed.AsSpan(0, op.CompressedLength);
                    wire += FrameWriter.WriteLiterals(
                        output,
                        ids.Slice(op.FirstChunk, op.ChunkCount),
                        lengths.Slice(op.FirstChunk, op.ChunkCount),
                        raw.Length,
                        op.Codec,
                        payload);
                    if (op.Compressed is null)
                    {
                        Statistics.RawLiteralBytes += raw.Length;
                    }
                    else
                    {
                        ArrayPool<byte>.Shared.Return(op.Compressed);
                    }

                    break;
            }
        }

        Statistics.WireBytes += wire;
        _ops.Clear();
        if (carry is { } zero)
        {
            _ops.Add(zero);
        }
    }

    private void KeepSent(ReadOnlySpan<byte> raw, ReadOnlySpan<ChunkId> ids, ReadOnlySpan<int> lengths)
    {
        if (_senderStore is null)
        {
            return;
        }

        var offset = 0;
        for (var i = 0; i < ids.Length; i++)
        {
            _senderStore.TryAdd(ids[i], raw.Slice(offset, lengths[i]));
            offset += lengths[i];
        }
    }

    private void CompressLiterals(ReadOnlyMemory<byte> step, Span<EncodeOp> ops)
    {
        var literals = 0;
        foreach (ref var op in ops)
        {
            literals += op.Kind == OpKind.Literals ? 1 : 0;
        }

        if (literals == 0 || _options.Codec.Kind == CodecKind.None)
        {
            return;
        }

        if (literals == 1 || _options.Parallelism == 1)
        {
            foreach (ref var op in ops)
            {
                if (op.Kind == OpKind.Literals)
                {
                    Compress(step.Span, ref op);
                }
            }

            return;
        }

        Parallel.For(0, ops.Length, new ParallelOptions { MaxDegreeOfParallelism = _options.Parallelism }, i =>
        {
            ref var op = ref CollectionsMarshal.AsSpan(_ops)[i];
            if (op.Kind == OpKind.Literals)
            {
                Compress(step.Span, ref op);
            }
        });
    }

    private void Compress(ReadOnlySpan<byte> step, ref EncodeOp op)
    {
        var raw = step.Slice(op.InputStart, (int)op.Length);
        var compressor = _compressors.Rent()!;
        var buffer = ArrayPool<byte>.Shared.Rent(compressor.MaxCompressedLength(raw.Length));
        var n = compressor.TryCompress(raw, buffer);
        _compressors.Return(compressor);
        if (n < 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            op.Codec = CodecKind.None;
            return;
        }

        op.Compressed = buffer;
        op.CompressedLength = n;
        op.Codec = compressor.Kind;
    }

    /// <summary>
    /// Writes Resend frames that fill [<paramref name="offset"/>, offset + data.Length) on the decoder with the original
    /// bytes, chunked and named as usual so that the decoder learns them again.
    /// </summary>
    public void EncodeResend(long offset, ReadOnlyMemory<byte> data, IBufferWriter<byte> output)
    {
        var maxChunk = _options.Chunking.MaxSize;
        var ids = new List<ChunkId>();
        var lengths = new List<int>();
        var span = data.Span;
        var batchStart = 0;
        var position = 0;
        _resendSegmenter.Reset();
        Span<Segment> segments = stackalloc Segment[64];
        while (position < span.Length)
        {
            var count = _resendSegmenter.NextBatch(span[position..], isFinal: true, segments);
            for (var s = 0; s < count; s++)
            {
                // Zero runs inside a resent range travel as ordinary (highly compressible) chunks of at most MaxSize.
                var remaining = segments[s].Length;
                while (remaining > 0)
                {
                    var length = Math.Min(remaining, maxChunk);
                    if (position + length - batchStart > _options.LiteralBatchBytes)
                    {
                        WriteResendBatch(offset + batchStart, span[batchStart..position], ids, lengths, output);
                        batchStart = position;
                    }

                    var id = ChunkId.Compute(span.Slice(position, length));
                    ids.Add(id);
                    lengths.Add(length);
                    _knowledge.Add(id, length);
                    position += length;
                    remaining -= length;
                }
            }
        }

        if (position > batchStart)
        {
            WriteResendBatch(offset + batchStart, span[batchStart..position], ids, lengths, output);
        }

        Statistics.ResentBytes += data.Length;
    }

    private void WriteResendBatch(long offset, ReadOnlySpan<byte> raw, List<ChunkId> ids, List<int> lengths, IBufferWriter<byte> output)
    {
        var compressor = _compressors.Rent();
        byte[]? buffer = null;
        var codec = CodecKind.None;
        var payload = raw;
        if (compressor is not null)
        {
            buffer = ArrayPool<byte>.Shared.Rent(compressor.MaxCompressedLength(raw.Length));
            var n = compressor.TryCompress(raw, buffer);
            if (n >= 0)
            {
                payload = buffer.AsSpan(0, n);
                codec = compressor.Kind;
            }

            _compressors.Return(compressor);
        }

        Statistics.WireBytes += FrameWriter.WriteLiterals(
            output, CollectionsMarshal.AsSpan(ids), CollectionsMarshal.AsSpan(lengths), raw.Length, codec, payload, offset);
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        ids.Clear();
        lengths.Clear();
    }
}
