using System.Buffers;
using System.Buffers.Binary;
using WanAccel.Core.Compression;
using WanAccel.Core.Fingerprints;

namespace WanAccel.Core.Wire;

/// <summary>Writes frames (see <see cref="FrameType"/> and docs/wire-format.md). Each frame goes out as one span of the writer.</summary>
public static class FrameWriter
{
    /// <summary>The stream magic, "WACS" (WanAccel stream).</summary>
    public static ReadOnlySpan<byte> Magic => "WACS"u8;

    /// <summary>The wire-format version this build writes and reads.</summary>
    public const byte Version = 1;

    public static int WriteHello(IBufferWriter<byte> output, long windowBytes)
    {
        Span<byte> body = stackalloc byte[4 + 1 + VarInt.MaxLength];
        Magic.CopyTo(body);
        body[4] = Version;
        var n = 5 + VarInt.Write(body[5..], (ulong)windowBytes);
        return WriteFrame(output, (byte)FrameType.Hello, body[..n]);
    }

    public static int WriteZero(IBufferWriter<byte> output, long length)
    {
        Span<byte> body = stackalloc byte[VarInt.MaxLength];
        return WriteFrame(output, (byte)FrameType.Zero, body[..VarInt.Write(body, (ulong)length)]);
    }

    public static int WriteRef(IBufferWriter<byte> output, in ChunkId id, int length)
    {
        Span<byte> body = stackalloc byte[ChunkId.Size + VarInt.MaxLength];
        id.Write(body);
        var n = ChunkId.Size + VarInt.Write(body[ChunkId.Size..], (ulong)length);
        return WriteFrame(output, (byte)FrameType.Ref, body[..n]);
    }

    public static int WriteManifestRef(IBufferWriter<byte> output, in ChunkId id, long length, int chunkCount)
    {
        Span<byte> body = stackalloc byte[ChunkId.Size + (2 * VarInt.MaxLength)];
        id.Write(body);
        var n = ChunkId.Size + VarInt.Write(body[ChunkId.Size..], (ulong)length);
        n += VarInt.Write(body[n..], (ulong)chunkCount);
        return WriteFrame(output, (byte)FrameType.ManifestRef, body[..n]);
    }

    public static int WriteManifestDef(IBufferWriter<byte> output, in ChunkId id, int chunkCount)
    {
        Span<byte> body = stackalloc byte[ChunkId.Size + VarInt.MaxLength];
        id.Write(body);
        var n = ChunkId.Size + VarInt.Write(body[ChunkId.Size..], (ulong)chunkCount);
        return WriteFrame(output, (byte)FrameType.ManifestDef, body[..n]);
    }

    public static int WriteEnd(IBufferWriter<byte> output, long totalLength, ulong checksum)
    {
        Span<byte> body = stackalloc byte[VarInt.MaxLength + 8];
        var n = VarInt.Write(body, (ulong)totalLength);
        BinaryPrimitives.WriteUInt64LittleEndian(body[n..], checksum);
        return WriteFrame(output, (byte)FrameType.End, body[..(n + 8)]);
    }

    /// <summary>Writes a Passthrough frame: <paramref name="data"/> (1 .. <see cref="WireLimits.MaxPassthroughBytes"/> bytes) as is.</summary>
    public static int WritePassthrough(IBufferWriter<byte> output, ReadOnlySpan<byte> data)
    {
        ArgumentOutOfRangeException.ThrowIfZero(data.Length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(data.Length, WireLimits.MaxPassthroughBytes);
        return WriteFrame(output, (byte)FrameType.Passthrough, data);
    }

    /// <summary>
    /// Writes a Literals frame, or a Resend frame when <paramref name="resendOffset"/> is not negative.
    /// <paramref name="payload"/> is the raw chunk bytes (codec None) or their compressed form.
    /// </summary>
    public static int WriteLiterals(
        IBufferWriter<byte> output,
        ReadOnlySpan<ChunkId> ids,
        ReadOnlySpan<int> lengths,
        int rawLength,
        CodecKind codec,
        ReadOnlySpan<byte> payload,
        long resendOffset = -1)
    {
        var prefix = 0;
        if (resendOffset >= 0)
        {
            prefix = VarInt.SizeOf((ulong)resendOffset) + VarInt.SizeOf((ulong)rawLength);
        }

        var entries = 0;
        for (var i = 0; i < ids.Length; i++)
        {
            entries += VarInt.SizeOf((ulong)lengths[i]) + ChunkId.Size;
        }

        var bodyLength = prefix + VarInt.SizeOf((ulong)ids.Length) + 1 + VarInt.SizeOf((ulong)rawLength) + entries + payload.Length;
        var type = resendOffset >= 0 ? FrameType.Resend : FrameType.Literals;
        var total = 1 + VarInt.SizeOf((ulong)bodyLength) + bodyLength;
        var span = output.GetSpan(total);
        span[0] = (byte)type;
        var p = 1 + VarInt.Write(span[1..], (ulong)bodyLength);
        if (resendOffset >= 0)
        {
            p += VarInt.Write(span[p..], (ulong)resendOffset);
            p += VarInt.Write(span[p..], (ulong)rawLength);
        }

        p += VarInt.Write(span[p..], (ulong)ids.Length);
        span[p++] = (byte)codec;
        p += VarInt.Write(span[p..], (ulong)rawLength);
        for (var i = 0; i < ids.Length; i++)
        {
            p += VarInt.Write(span[p..], (ulong)lengths[i]);
            ids[i].Write(span[p..]);
            p += ChunkId.Size;
        }

        payload.CopyTo(span[p..]);
        output.Advance(total);
        return total;
    }

    /// <summary>Writes a small frame whose body is already assembled.</summary>
    public static int WriteFrame(IBufferWriter<byte> output, byte type, ReadOnlySpan<byte> body)
    {
        var total = 1 + VarInt.SizeOf((ulong)body.Length) + body.Length;
        var span = output.GetSpan(total);
        span[0] = type;
        var p = 1 + VarInt.Write(span[1..], (ulong)body.Length);
        body.CopyTo(span[p..]);
        output.Advance(total);
        return total;
    }
}
