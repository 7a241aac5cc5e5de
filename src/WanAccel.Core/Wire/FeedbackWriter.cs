using System.Buffers;
using WanAccel.Core.Fingerprints;

namespace WanAccel.Core.Wire;

/// <summary>Writes and reads the decoder → encoder feedback frames (see <see cref="FeedbackType"/>).</summary>
public static class FeedbackWriter
{
    public static int WriteAck(IBufferWriter<byte> output, long offset)
    {
        Span<byte> body = stackalloc byte[VarInt.MaxLength];
        return FrameWriter.WriteFrame(output, (byte)FeedbackType.Ack, body[..VarInt.Write(body, (ulong)offset)]);
    }

    public static int WriteMiss(IBufferWriter<byte> output, long offset, long length, in ChunkId id)
    {
        Span<byte> body = stackalloc byte[(2 * VarInt.MaxLength) + ChunkId.Size];
        var n = VarInt.Write(body, (ulong)offset);
        n += VarInt.Write(body[n..], (ulong)length);
        id.Write(body[n..]);
        return FrameWriter.WriteFrame(output, (byte)FeedbackType.Miss, body[..(n + ChunkId.Size)]);
    }

    /// <summary>True for the types of feedback frames (they share the frame header with stream frames).</summary>
    public static bool IsFeedback(byte type) => type is (byte)FeedbackType.Ack or (byte)FeedbackType.Miss;

    /// <summary>Parses an Ack body.</summary>
    public static long ReadAck(ReadOnlySpan<byte> body)
    {
        var reader = new SpanReader(body, (byte)FeedbackType.Ack);
        var offset = reader.ReadInt64(long.MaxValue >> 1, "offset");
        reader.EnsureEnd();
        return offset;
    }

    /// <summary>Parses a Miss body.</summary>
    public static (long Offset, long Length, ChunkId Id) ReadMiss(ReadOnlySpan<byte> body)
    {
        var reader = new SpanReader(body, (byte)FeedbackType.Miss);
        var offset = reader.ReadInt64(long.MaxValue >> 1, "offset");
        var length = reader.ReadInt64(int.MaxValue, "length");
        var id = reader.ReadChunkId();
        reader.EnsureEnd();
        return (offset, length, id);
    }
}
