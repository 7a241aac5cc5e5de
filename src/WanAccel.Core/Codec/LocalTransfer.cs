using System.Buffers;
using System.IO.MemoryMappedFiles;
using WanAccel.Core.Wire;

namespace WanAccel.Core.Codec;

/// <summary>
/// Drives an encoder and a decoder in one process: encode a whole input into frames, then decode the frames, answering
/// misses with resends read from the input. Used by <c>wanaccel bench engine</c> and by tests.
/// </summary>
public static class LocalTransfer
{
    /// <summary>Reads <paramref name="input"/> to its end through <paramref name="encoder"/> into <paramref name="frames"/>, then completes the stream.</summary>
    public static void Encode(Stream input, StreamEncoder encoder, IBufferWriter<byte> frames, int readBytes = 64 << 20)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(readBytes);
        try
        {
            var filled = 0;
            var eof = false;
            while (!eof || filled > 0)
            {
                while (!eof && filled < buffer.Length)
                {
                    var n = input.Read(buffer, filled, buffer.Length - filled);
                    eof = n == 0;
                    filled += n;
                }

                var consumed = encoder.Encode(buffer.AsMemory(0, filled), eof, frames);
                if (consumed == 0 && !eof)
                {
                    throw new InvalidOperationException("encoder made no progress with a full buffer");
                }

                buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                filled -= consumed;
                if (eof && consumed == 0 && filled > 0)
                {
                    throw new InvalidOperationException("encoder left input unconsumed at the end of the stream");
                }
            }

            encoder.Complete(frames);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Encodes the file at <paramref name="path"/> from a read-only memory mapping (no copy of its bytes), in windows of
    /// <paramref name="windowBytes"/>, then completes the stream. The file must not shrink meanwhile.
    /// </summary>
    public static unsafe void EncodeFile(string path, StreamEncoder encoder, IBufferWriter<byte> frames, int windowBytes = 64 << 20)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(windowBytes, 1 << 20); // far above any unconsumed tail
        var length = new FileInfo(path).Length;
        if (length == 0)
        {
            encoder.Complete(frames);
            return;
        }

        using var file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, mapName: null, 0, MemoryMappedFileAccess.Read);
        using var view = file.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
        var handle = view.SafeMemoryMappedViewHandle;
        byte* start = null;
        handle.AcquirePointer(ref start);
        try
        {
            start += view.PointerOffset;
            long position = 0;
            while (position < length)
            {
                var window = (int)Math.Min(length - position, windowBytes);
                var isFinal = position + window == length;
                using var memory = new UnmanagedWindow(start + position, window);
                var consumed = encoder.Encode(memory.Memory, isFinal, frames);
                if (consumed == 0 && !isFinal)
                {
                    throw new InvalidOperationException("encoder made no progress with a full window");
                }

                if (isFinal && consumed != window)
                {
                    throw new InvalidOperationException("encoder left input unconsumed at the end of the stream");
                }

                position += consumed;
            }

            encoder.Complete(frames);
        }
        finally
        {
            handle.ReleasePointer();
        }
    }

    /// <summary>
    /// Feeds frame blocks (each holding whole frames) to <paramref name="decoder"/>; every miss it reports is answered by
    /// <paramref name="encoder"/> with the original bytes from <paramref name="readInput"/>(offset, length).
    /// Throws <see cref="WireFormatException"/> when the stream is not complete and verified at the end.
    /// </summary>
    public static void Decode(
        IEnumerable<ReadOnlyMemory<byte>> blocks,
        StreamDecoder decoder,
        FeedbackQueue feedback,
        StreamEncoder encoder,
        Func<long, int, ReadOnlyMemory<byte>> readInput)
    {
        var resends = new FrameBuffer(WireLimits.MaxFrame);
        foreach (var block in blocks)
        {
            // Frame by frame, answering misses at once, so that output held behind a miss stays within one frame's worth.
            var span = block.Span;
            while (!span.IsEmpty)
            {
                if (!FrameHeader.TryRead(span, out var type, out var header, out var body) || span.Length - header < body)
                {
                    throw new WireFormatException(WireError.Truncated, $"frame block ends inside a frame ({span.Length} bytes left)");
                }

                // Literals frames and the ManifestDef frames between them go in together (the decoder decodes runs of
                // them side by side); they cannot miss.
                var length = header + body;
                while (type == (byte)FrameType.Literals && FrameHeader.TryRead(span[length..], out var next, out var h, out var b)
                       && next is (byte)FrameType.Literals or (byte)FrameType.ManifestDef && span.Length - length - h >= b)
                {
                    length += h + b;
                }

                Feed(decoder, span[..length]);
                span = span[length..];
                while (feedback.TryDequeue(out var miss))
                {
                    if (miss.Offset < 0 || miss.Length <= 0 || miss.Offset + miss.Length > encoder.Position)
                    {
                        throw new WireFormatException(WireError.Malformed, $"decoder reported a miss at [{miss.Offset}, +{miss.Length}) outside the {encoder.Position}-byte stream");
                    }

                    encoder.OnMiss(miss.Id);
                    encoder.EncodeResend(miss.Offset, readInput(miss.Offset, checked((int)miss.Length)), resends);
                    foreach (var resend in resends.Blocks)
                    {
                        Feed(decoder, resend.Span);
                    }

                    resends.Clear();
                }
            }
        }

        if (!decoder.IsComplete)
        {
            throw new WireFormatException(WireError.Truncated, $"frame stream ended before its End frame was verified ({decoder.Delivered} bytes delivered)");
        }
    }

    private static void Feed(StreamDecoder decoder, ReadOnlySpan<byte> block)
    {
        var consumed = decoder.Decode(block);
        if (consumed != block.Length)
        {
            throw new WireFormatException(WireError.Truncated, $"frame block ends inside a frame ({block.Length - consumed} bytes left)");
        }
    }
}
