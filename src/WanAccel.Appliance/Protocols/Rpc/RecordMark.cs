using System.Buffers.Binary;

namespace WanAccel.Appliance.Protocols.Rpc;

/// <summary>
/// ONC-RPC record marking over TCP (RFC 5531 §11): each fragment starts with a 4-byte big-endian word, the high bit
/// set on the record's last fragment, the low 31 bits the fragment's length.
/// </summary>
internal static class RecordMark
{
    public const int Length = 4;
    public const uint LastFragment = 0x8000_0000;

    public static (bool Last, int Length) Decode(ReadOnlySpan<byte> mark)
    {
        var word = BinaryPrimitives.ReadUInt32BigEndian(mark);
        return ((word & LastFragment) != 0, (int)(word & ~LastFragment));
    }

    /// <summary>The mark of a record sent as one (last) fragment of <paramref name="length"/> bytes.</summary>
    public static void WriteSingle(Span<byte> mark, int length) => BinaryPrimitives.WriteUInt32BigEndian(mark, LastFragment | (uint)length);
}
