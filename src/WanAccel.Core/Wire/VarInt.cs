using System.Runtime.CompilerServices;

namespace WanAccel.Core.Wire;

/// <summary>Unsigned LEB128 integers (7 bits per byte, little-endian groups), at most 10 bytes for 64 bits.</summary>
public static class VarInt
{
    public const int MaxLength = 10;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Write(Span<byte> destination, ulong value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[i++] = (byte)value;
        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SizeOf(ulong value)
    {
        var n = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            n++;
        }

        return n;
    }

    /// <summary>
    /// Reads a varint at the start of <paramref name="source"/>. Returns bytes consumed, 0 when the source ends inside it;
    /// throws <see cref="WireFormatException"/> when it is longer than 10 bytes or overflows 64 bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int TryRead(ReadOnlySpan<byte> source, out ulong value)
    {
        value = 0;
        var shift = 0;
        for (var i = 0; i < source.Length; i++)
        {
            var b = source[i];
            if (i == MaxLength - 1 && b > 1)
            {
                throw new WireFormatException(WireError.Malformed, "varint overflows 64 bits");
            }

            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return i + 1;
            }

            shift += 7;
        }

        if (source.Length >= MaxLength)
        {
            throw new WireFormatException(WireError.Malformed, "varint longer than 10 bytes");
        }

        return 0;
    }
}
