using System.Runtime.ExceptionServices;
using WanAccel.Core.Wire;

namespace WanAccel.Core.Codec;

/// <summary>
/// Consecutive Literals frames decoded side by side: each worker decompresses, verifies and stores a whole frame (up to
/// twice as many frames per run as there are threads, to even out their sizes); the frames are then delivered in order.
/// A cold stream is mostly such runs; one frame at a time left a core idle during each frame's serial steps.
/// </summary>
public sealed partial class StreamDecoder
{
    private LiteralSlot[]? _slots;

    /// <summary>
    /// Decodes the run of complete Literals frames at the start of <paramref name="input"/> (with the ManifestDef frames
    /// between them, which only need the chunk ids) when it holds two or more; returns the bytes consumed (0: not a run,
    /// decode frame by frame).
    /// </summary>
    private unsafe int DecodeLiteralRun(ReadOnlySpan<byte> input)
    {
        if (_options.Parallelism < 2 || !_helloSeen || IsComplete || _endLength >= 0)
        {
            return 0;
        }

        var slots = _slots ??= [.. Enumerable.Range(0, 2 * _options.Parallelism).Select(_ => new LiteralSlot())];
        if (CountRunLiterals(input, slots.Length) < 2)
        {
            return 0;
        }

        var count = 0;
        var consumed = 0;
        while (FrameHeader.TryRead(input[consumed..], out var type, out var header, out var body) && input.Length - consumed - header >= body)
        {
            var reader = new SpanReader(input.Slice(consumed + header, body), type);
            if (type == (byte)FrameType.ManifestDef)
            {
                OnManifestDef(ref reader); // names ids already in the history, whose bytes are still being decoded
            }
            else if (type == (byte)FrameType.Literals && count < slots.Length)
            {
                try
                {
                    var payload = slots[count].Parse(ref reader);
                    slots[count].PayloadOffset = consumed + header + body - payload.Length;
                    slots[count].PayloadLength = payload.Length;
                }
                catch (WireFormatException) when (count > 0)
                {
                    break; // the run ends before it; decoded on its own, the frame raises its error after the ones before
                }

                for (var i = 0; i < slots[count].Count; i++)
                {
                    PushHistory(slots[count].Ids[i]);
                }

                count++;
            }
            else
            {
                break;
            }

            reader.EnsureEnd();
            consumed += header + body;
        }

        fixed (byte* start = input)
        {
            // The workers see the input through its address: it stays pinned until they have all finished.
            var address = (nint)start;
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = _options.Parallelism }, i => DecodeSlot(slots[i], address));
        }

        try
        {
            for (var s = 0; s < count; s++)
            {
                var slot = slots[s];
                slot.Error?.Throw();
                CountCodec(slot.Codec);
                Statistics.LiteralChunks += slot.Count;
                Statistics.LiteralBytes += slot.RawLength;
                Emit(slot.Raw.AsSpan(0, slot.RawLength));
            }
        }
        finally
        {
            for (var s = 0; s < count; s++)
            {
                slots[s].Release();
            }
        }

        return consumed;
    }

    /// <summary>How many complete Literals frames (up to <paramref name="limit"/>) start the input, ManifestDef frames between them aside.</summary>
    private static int CountRunLiterals(ReadOnlySpan<byte> input, int limit)
    {
        var literals = 0;
        while (literals < limit && FrameHeader.TryRead(input, out var type, out var header, out var body) && input.Length - header >= body)
        {
            if (type == (byte)FrameType.Literals)
            {
                literals++;
            }
            else if (type != (byte)FrameType.ManifestDef)
            {
                break;
            }

            input = input[(header + body)..];
        }

        return literals;
    }

    /// <summary>Decodes one frame of a run on a worker (one thread per frame); a failure is kept for delivery time.</summary>
    private unsafe void DecodeSlot(LiteralSlot slot, nint input)
    {
        try
        {
            DecodeLiterals(slot, new ReadOnlySpan<byte>((byte*)input + slot.PayloadOffset, slot.PayloadLength), workers: 1);
        }
        catch (Exception e)
        {
            slot.Error = ExceptionDispatchInfo.Capture(e);
        }
    }
}
