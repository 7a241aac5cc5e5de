using System.Buffers.Binary;
using System.Text;

namespace WanAccel.Appliance.FileTransfer.Protocol;

/// <summary>Writes the fields of a control payload into a span (sized by the caller to <see cref="ProtocolLimits.MaxControlPayload"/>).</summary>
internal ref struct PayloadWriter(Span<byte> buffer)
{
    private readonly Span<byte> _buffer = buffer;

    public int Written { get; private set; }

    public void U8(byte value) => Take(1)[0] = value;

    public void U32(uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Take(4), value);

    public void I64(long value) => BinaryPrimitives.WriteInt64LittleEndian(Take(8), value);

    public void Bytes(ReadOnlySpan<byte> value) => value.CopyTo(Take(value.Length));

    public void Text(string value, int maxBytes)
    {
        var n = Encoding.UTF8.GetByteCount(value);
        if (n > maxBytes)
        {
            throw new FileTransferException(TransferStatus.NotFound, $"'{value[..Math.Min(value.Length, 64)]}…' is longer than {maxBytes} bytes");
        }

        BinaryPrimitives.WriteUInt16LittleEndian(Take(2), (ushort)n);
        Encoding.UTF8.GetBytes(value, Take(n));
    }

    private Span<byte> Take(int n)
    {
        var span = _buffer.Slice(Written, n);
        Written += n;
        return span;
    }
}
