using System.Buffers.Binary;
using WanAccel.Appliance.Protocols.Rpc;

namespace WanAccel.Appliance.Protocols.Nfs.ReadAhead;

/// <summary>
/// A record the two appliances insert into an NFS flow's byte stream, at record boundaries, and strip again before
/// the stream reaches the client or the server: <c>'WANA' · msg_type 2 (RPC defines only 0 and 1) · kind · fh
/// opaque · offset u64 · count u32</c>, then for <see cref="AnnotationKind.ReadReply"/> the server's whole reply message
/// (its own XID first). Sent as one record of one fragment. See docs/peer-link.md.
/// </summary>
internal static class Annotation
{
    public const uint Magic = 0x57414E41; // "WANA"
    public const uint MessageType = 2;

    /// <summary>Mark, magic, type, kind, fh length, offset, count: the fixed part without the handle's bytes.</summary>
    public const int FixedBytes = RecordMark.Length + 4 + 4 + 4 + 4 + 8 + 4;

    /// <summary>The largest annotation accepted: a READ reply of <see cref="Read3Res.MaxData"/> plus headers.</summary>
    public const int MaxBytes = Read3Res.MaxData + 4096;

    /// <summary>True when the record at the start of <paramref name="firstWords"/> (mark, then two words) is an annotation.</summary>
    public static bool Is(uint xidWord, uint typeWord) => xidWord == Magic && typeWord == MessageType;

    /// <summary>Bytes of an annotation carrying <paramref name="message"/>: the record, ready to write.</summary>
    public static int Length(int handleBytes, int messageBytes) => FixedBytes + XdrReader.Padded(handleBytes) + messageBytes;

    public static void Write(Span<byte> destination, AnnotationKind kind, ReadOnlySpan<byte> handle, ulong offset, uint count, ReadOnlySpan<byte> message)
    {
        var length = Length(handle.Length, message.Length);
        RecordMark.WriteSingle(destination, length - RecordMark.Length);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], Magic);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], MessageType);
        BinaryPrimitives.WriteUInt32BigEndian(destination[12..], (uint)kind);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], (uint)handle.Length);
        handle.CopyTo(destination[20..]);
        var at = 20 + XdrReader.Padded(handle.Length);
        destination[(20 + handle.Length)..at].Clear();
        BinaryPrimitives.WriteUInt64BigEndian(destination[at..], offset);
        BinaryPrimitives.WriteUInt32BigEndian(destination[(at + 8)..], count);
        message.CopyTo(destination[(at + 12)..]);
    }

    public static byte[] Create(AnnotationKind kind, ReadOnlySpan<byte> handle, ulong offset, uint count, ReadOnlySpan<byte> message)
    {
        var bytes = new byte[Length(handle.Length, message.Length)];
        Write(bytes, kind, handle, offset, count, message);
        return bytes;
    }

    /// <summary>Reads an annotation's body (the record without its mark); false when it is malformed.</summary>
    public static bool TryRead(ReadOnlySpan<byte> body, out AnnotationKind kind, out ReadOnlySpan<byte> handle, out ulong offset, out uint count, out ReadOnlySpan<byte> message)
    {
        kind = default;
        handle = message = default;
        offset = count = 0;
        var reader = new XdrReader(body);
        if (!reader.TryReadUInt32(out var magic) || !reader.TryReadUInt32(out var type) || !Is(magic, type)
            || !reader.TryReadUInt32(out var k) || !NfsFileHandle.TryRead(ref reader, out handle)
            || !reader.TryReadUInt64(out offset) || !reader.TryReadUInt32(out count))
        {
            return false;
        }

        kind = (AnnotationKind)k;
        message = body[reader.Position..];
        return true;
    }
}
