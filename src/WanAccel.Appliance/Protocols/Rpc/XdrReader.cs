using System.Buffers.Binary;

namespace WanAccel.Appliance.Protocols.Rpc;

/// <summary>
/// Reads XDR (RFC 4506) items from a span: big-endian 32/64-bit words, variable-length opaques padded to 4 bytes.
/// A read that runs past the end returns false with <see cref="Malformed"/> unset (more bytes may complete it); a read
/// that breaks a rule (an opaque longer than its bound, a bool other than 0 or 1) returns false and sets it.
/// </summary>
internal ref struct XdrReader(ReadOnlySpan<byte> buffer)
{
    private readonly ReadOnlySpan<byte> _buffer = buffer;

    /// <summary>Bytes read so far.</summary>
    public int Position { get; private set; }

    /// <summary>True when the input broke an XDR rule (rather than merely ending early).</summary>
    public bool Malformed { get; private set; }

    public bool TryReadUInt32(out uint value)
    {
        if (_buffer.Length - Position < 4)
        {
            value = 0;
            return false;
        }

        value = BinaryPrimitives.ReadUInt32BigEndian(_buffer[Position..]);
        Position += 4;
        return true;
    }

    public bool TryReadUInt64(out ulong value)
    {
        if (_buffer.Length - Position < 8)
        {
            value = 0;
            return false;
        }

        value = BinaryPrimitives.ReadUInt64BigEndian(_buffer[Position..]);
        Position += 8;
        return true;
    }

    public bool TryReadBool(out bool value)
    {
        value = false;
        if (!TryReadUInt32(out var word))
        {
            return false;
        }

        if (word > 1)
        {
            Malformed = true;
            return false;
        }

        value = word == 1;
        return true;
    }

    /// <summary>A variable-length opaque (or string) of at most <paramref name="maxLength"/> bytes, and its padding.</summary>
    public bool TryReadOpaque(int maxLength, out ReadOnlySpan<byte> value)
    {
        value = default;
        var start = Position;
        if (!TryReadLength(maxLength, out var length))
        {
            return false;
        }

        if (_buffer.Length - Position < Padded(length))
        {
            Position = start;
            return false;
        }

        value = _buffer.Slice(Position, length);
        Position += Padded(length);
        return true;
    }

    /// <summary>The length word of an opaque whose bytes are not read here (a READ or WRITE payload).</summary>
    public bool TryReadLength(int maxLength, out int length)
    {
        length = 0;
        if (!TryReadUInt32(out var word))
        {
            return false;
        }

        if (word > (uint)maxLength)
        {
            Malformed = true;
            return false;
        }

        length = (int)word;
        return true;
    }

    /// <summary>A fixed-length item of <paramref name="count"/> bytes (a multiple of 4).</summary>
    public bool TryReadBytes(int count, out ReadOnlySpan<byte> value)
    {
        value = default;
        if (_buffer.Length - Position < count)
        {
            return false;
        }

        value = _buffer.Slice(Position, count);
        Position += count;
        return true;
    }

    public bool TrySkip(int count)
    {
        if (_buffer.Length - Position < count)
        {
            return false;
        }

        Position += count;
        return true;
    }

    /// <summary>Marks the input as breaking a rule the caller checked (an unknown union arm, a bad enum value).</summary>
    public void Fail() => Malformed = true;

    /// <summary>XDR pads every item to a multiple of 4 bytes.</summary>
    public static int Padded(int length) => (length + 3) & ~3;
}
