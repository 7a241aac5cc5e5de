using System.Buffers.Binary;
using System.Text;

namespace WanAccel.Appliance.FileTransfer.Protocol;

/// <summary>Reads the fields of a control payload; every overrun or bad string is a <see cref="TransferStatus.ProtocolError"/>.</summary>
internal ref struct PayloadReader(ReadOnlySpan<byte> payload)
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);
    private readonly ReadOnlySpan<byte> _payload = payload;
    private int _at;

    public byte U8() => Take(1)[0];

    public uint U32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    public long I64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

    /// <summary>A non-negative u64 no larger than <paramref name="max"/>.</summary>
    public long Length(long max = long.MaxValue)
    {
        var value = I64();
        return value >= 0 && value <= max ? value : throw Bad($"a length of {value} is out of range");
    }

    public ReadOnlySpan<byte> Bytes(int n) => Take(n);

    /// <summary>A u16 length and UTF-8 text of at most <paramref name="maxBytes"/> bytes, no NUL.</summary>
    public string Text(int maxBytes)
    {
        var n = BinaryPrimitives.ReadUInt16LittleEndian(Take(2));
        if (n > maxBytes)
        {
            throw Bad($"a text field of {n} bytes exceeds {maxBytes}");
        }

        var bytes = Take(n);
        if (bytes.Contains((byte)0))
        {
            throw Bad("a text field contains NUL");
        }

        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Bad("a text field is not UTF-8");
        }
    }

    public readonly void End()
    {
        if (_at != _payload.Length)
        {
            throw Bad("a record has trailing bytes");
        }
    }

    private ReadOnlySpan<byte> Take(int n)
    {
        if (_payload.Length - _at < n)
        {
            throw Bad("a record is shorter than its fields");
        }

        var span = _payload.Slice(_at, n);
        _at += n;
        return span;
    }

    private static FileTransferException Bad(string why) => new(TransferStatus.ProtocolError, why);
}
