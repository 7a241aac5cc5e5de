using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using WanAccel.Core.Wire;

namespace WanAccel.Appliance.PeerLink;

/// <summary>
/// Frame layout (docs/peer-link.md): <c>channel id (varint) · type (1 byte) · payload length (varint) · payload</c>.
/// Varints are unsigned LEB128 (<see cref="VarInt"/>). Header at most 21 bytes.
/// </summary>
internal static class PeerFrameCodec
{
    public const int MaxHeaderLength = VarInt.MaxLength + 1 + VarInt.MaxLength;

    /// <summary>Largest payload of a control frame (OPEN aside): RESET is a varint code plus at most 512 bytes of message.</summary>
    public const int MaxResetMessageBytes = 512;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteHeader(PipeWriter output, ulong channelId, PeerFrameType type, int payloadLength)
    {
        var span = output.GetSpan(MaxHeaderLength);
        var n = VarInt.Write(span, channelId);
        span[n++] = (byte)type;
        n += VarInt.Write(span[n..], (ulong)payloadLength);
        output.Advance(n);
    }

    public static int Write(PipeWriter output, ulong channelId, PeerFrameType type, ReadOnlySpan<byte> payload)
    {
        WriteHeader(output, channelId, type, payload.Length);
        output.Write(payload);
        return HeaderLength(channelId, payload.Length) + payload.Length;
    }

    public static int Write(PipeWriter output, ulong channelId, PeerFrameType type, in ReadOnlySequence<byte> payload)
    {
        WriteHeader(output, channelId, type, (int)payload.Length);
        foreach (var segment in payload)
        {
            output.Write(segment.Span);
        }

        return HeaderLength(channelId, (int)payload.Length) + (int)payload.Length;
    }

    public static int WriteVarIntFrame(PipeWriter output, ulong channelId, PeerFrameType type, ulong value)
    {
        Span<byte> payload = stackalloc byte[VarInt.MaxLength];
        return Write(output, channelId, type, payload[..VarInt.Write(payload, value)]);
    }

    public static int WritePing(PipeWriter output, PeerFrameType type, long value)
    {
        Span<byte> payload = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(payload, value);
        return Write(output, 0, type, payload);
    }

    public static int HeaderLength(ulong channelId, int payloadLength) => VarInt.SizeOf(channelId) + 1 + VarInt.SizeOf((ulong)payloadLength);

    /// <summary>
    /// Parses the frame at the start of <paramref name="buffer"/> and slices it off. False when more bytes are needed.
    /// Throws <see cref="PeerLinkProtocolException"/> for an unknown type, an oversized length or a bad varint.
    /// </summary>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, int maxPayload, out PeerFrame frame)
    {
        frame = default;
        ReadOnlySpan<byte> header = buffer.FirstSpan;
        if (header.Length < MaxHeaderLength && buffer.Length > header.Length)
        {
            // Slow path: the header straddles segments; copy at most 21 bytes.
            Span<byte> copy = stackalloc byte[MaxHeaderLength];
            var take = (int)Math.Min(buffer.Length, MaxHeaderLength);
            buffer.Slice(0, take).CopyTo(copy);
            return TryReadCore(ref buffer, copy[..take], maxPayload, out frame);
        }

        return TryReadCore(ref buffer, header, maxPayload, out frame);
    }

    private static bool TryReadCore(ref ReadOnlySequence<byte> buffer, ReadOnlySpan<byte> header, int maxPayload, out PeerFrame frame)
    {
        frame = default;
        int n;
        ulong channelId;
        ulong length;
        try
        {
            n = VarInt.TryRead(header, out channelId);
            if (n == 0 || n >= header.Length)
            {
                return false;
            }

            var type = header[n++];
            if (type is < (byte)PeerFrameType.Open or > (byte)PeerFrameType.Pong)
            {
                throw new PeerLinkProtocolException($"unknown frame type {type}");
            }

            var m = VarInt.TryRead(header[n..], out length);
            if (m == 0)
            {
                return false;
            }

            if (length > (ulong)maxPayload)
            {
                throw new PeerLinkProtocolException($"frame of {length} bytes exceeds the limit of {maxPayload}");
            }

            n += m;
            if (buffer.Length - n < (long)length)
            {
                return false;
            }

            frame = new PeerFrame(channelId, (PeerFrameType)type, buffer.Slice(n, (long)length));
            buffer = buffer.Slice(n + (long)length);
            return true;
        }
        catch (WireFormatException ex)
        {
            throw new PeerLinkProtocolException(ex.Message);
        }
    }

    /// <summary>Reads a varint that must fill <paramref name="payload"/> exactly (CREDIT) or start it (RESET).</summary>
    public static ulong ReadVarInt(in ReadOnlySequence<byte> payload, out int consumed)
    {
        Span<byte> copy = stackalloc byte[VarInt.MaxLength];
        var take = (int)Math.Min(payload.Length, VarInt.MaxLength);
        payload.Slice(0, take).CopyTo(copy);
        ulong value;
        try
        {
            consumed = VarInt.TryRead(copy[..take], out value);
        }
        catch (WireFormatException ex)
        {
            throw new PeerLinkProtocolException(ex.Message);
        }

        if (consumed == 0)
        {
            throw new PeerLinkProtocolException("truncated varint in frame payload");
        }

        return value;
    }
}
