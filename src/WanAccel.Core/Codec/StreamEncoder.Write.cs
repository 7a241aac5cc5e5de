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
    /// <summary>Starts compressing the step's Literals ops on pool tasks (they read the input, never the op list).</summary>
    private void StartCompression(EncodeStep step)
    {
        step.Jobs.Clear();
        foreach (var op in step.Ops)
        {
            if (op.Kind == OpKind.Literals)
            {
                step.Jobs.Add(new LiteralJob { InputStart = op.InputStart, Length = (int)op.Length, Codec = CodecKind.None });
            }
        }

        step.Compression = null;
        if (step.Jobs.Count == 0 || Codec.Kind == CodecKind.None)
        {
            return;
        }

        if (_options.Parallelism == 1)
        {
            CompressJobs(step, 0, step.Jobs.Count);
            return;
        }

        // One task per job: 1 MiB jobs of the same step finish on both cores while the next step is being prepared.
        var tasks = new Task[step.Jobs.Count];
        for (var i = 0; i < tasks.Length; i++)
        {
            var index = i;
            tasks[i] = Task.Run(() => CompressJobs(step, index, index + 1));
        }

        step.Compression = Task.WhenAll(tasks);
    }

    private void CompressJobs(EncodeStep step, int from, int to)
    {
        var jobs = CollectionsMarshal.AsSpan(step.Jobs);
        for (var i = from; i < to; i++)
        {
            ref var job = ref jobs[i];
            var raw = step.Input.Span.Slice(job.InputStart, job.Length);
            var compressor = _compressors.Rent()!;
            var buffer = ArrayPool<byte>.Shared.Rent(compressor.MaxCompressedLength(raw.Length));
            var n = compressor.TryCompress(raw, buffer);
            _compressors.Return(compressor);
            if (n < 0)
            {
                ArrayPool<byte>.Shared.Return(buffer);
                continue;
            }

            job.Compressed = buffer;
            job.CompressedLength = n;
            job.Codec = compressor.Kind;
        }
    }

    /// <summary>Waits for the step's compression, writes its ops in order, and clears it.</summary>
    private void WriteStep(EncodeStep step, IBufferWriter<byte> output)
    {
        step.Compression?.GetAwaiter().GetResult();
        var span = step.Input.Span;
        var ids = step.ChunkIds.AsSpan();
        var lengths = step.ChunkLengths.AsSpan();
        var jobs = CollectionsMarshal.AsSpan(step.Jobs);
        var job = 0;
        long wire = 0;
        foreach (ref readonly var op in CollectionsMarshal.AsSpan(step.Ops))
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
                    ref var compressed = ref jobs[job++];
                    var raw = span.Slice(op.InputStart, (int)op.Length);
                    var chunkIds = ids.Slice(op.FirstChunk, op.ChunkCount);
                    var chunkLengths = lengths.Slice(op.FirstChunk, op.ChunkCount);
                    KeepSent(raw, chunkIds, chunkLengths);
                    var payload = compressed.Compressed is null ? raw : compressed.Compressed.AsSpan(0, compressed.CompressedLength);
                    wire += FrameWriter.WriteLiterals(output, chunkIds, chunkLengths, raw.Length, compressed.Codec, payload);
                    if (compressed.Compressed is null)
                    {
                        Statistics.RawLiteralBytes += raw.Length;
                    }
                    else
                    {
                        CountCodec(compressed.Codec);
                        ArrayPool<byte>.Shared.Return(compressed.Compressed);
                    }

                    break;
            }
        }

        Statistics.WireBytes += wire;
        step.Ops.Clear();
        step.Jobs.Clear();
        step.Compression = null;
        if (_unwritten == step)
        {
            _unwritten = null;
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

    private void KeepSent(ReadOnlySpan<byte> raw, ReadOnlySpan<ChunkId> ids, ReadOnlySpan<int> lengths) =>
        _senderStore?.AddRange(ids, lengths, raw);

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
