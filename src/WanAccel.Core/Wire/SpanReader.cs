using System.Runtime.CompilerServices;
using WanAccel.Core.Fingerprints;

namespace WanAccel.Core.Wire;

/// <summary>Reads fields of one frame body; every read is bounds-checked and throws <see cref="WireFormatException"/> when the body is short.</summary>
internal ref struct SpanReader
{
    private readonly ReadOnlySpan<byte> _body;
    private readonly byte _frameType;
    private int _position;

    public SpanReader(ReadOnlySpan<byte> body, byte frameType)
    {
        _body = body;
        _frameType = frameType;
        _position = 0;
    }

    public readonly int Remaining => _body.Length - _position;

    public readonly ReadOnlySpan<byte> Rest => _body[_position..];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong ReadVarInt()
    {
        var n = VarInt.TryRead(_body[_position..], out var value);
        if (n == 0)
        {
            throw Short();
        }

        _position += n;
        return value;
    }

    /// <summary>A varint that must lie in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public int ReadInt32(int min, int max, string field)
    {
        var value = ReadVarInt();
        if (value < (ulong)min || value > (ulong)max)
        {
            throw new WireFormatException(WireError.Malformed, $"frame 0x{_frameType:x2}: {field} = {value} outside [{min}, {max}]");
        }

        return (int)value;
    }

    public long ReadInt64(long max, string field)
    {
        var value = ReadVarInt();
        if (value > (ulong)max)
        {
            throw new WireFormatException(WireError.Malformed, $"frame 0x{_frameType:x2}: {field} = {value} exceeds {max}");
        }

        return (long)value;
    }

    public byte ReadByte()
    {
        if (_position >= _body.Length)
        {
            throw Short();
        }

        return _body[_position++];
    }

    public ChunkId ReadChunkId()
    {
        if (Remaining < ChunkId.Size)
        {
            throw Short();
        }

        var id = ChunkId.Read(_body[_position..]);
        _position += ChunkId.Size;
        return id;
    }

    public ReadOnlySpan<byte> ReadBytes(int count)
    {
        if (count < 0 || Remaining < count)
        {
            throw Short();
        }

        var span = _body.Slice(_position, count);
        _position += count;
        return span;
    }

    /// <summary>Fails unless the whole body was read: trailing bytes are malformed, not ignored.</summary>
    public readonly void EnsureEnd()
    {
        if (_position != _body.Length)
        {
            throw new WireFormatException(WireError.Malformed, $"frame 0x{_frameType:x2}: {_body.Length - _position} unexpected trailing bytes");
        }
    }

    private readonly WireFormatException Short() =>
        new(WireError.Malformed, $"frame 0x{_frameType:x2}: body of {_body.Length} bytes ends inside a field");
}
