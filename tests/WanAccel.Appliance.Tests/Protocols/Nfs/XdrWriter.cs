using System.Buffers.Binary;
using System.Text;

namespace WanAccel.Appliance.Tests.Protocols.Nfs;

/// <summary>Writes XDR items (big-endian words, padded opaques) for hand-built RPC messages.</summary>
internal sealed class XdrWriter
{
    private readonly MemoryStream _bytes = new();

    public int Length => (int)_bytes.Length;

    public XdrWriter UInt32(uint value)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, value);
        _bytes.Write(word);
        return this;
    }

    public XdrWriter UInt64(ulong value) => UInt32((uint)(value >> 32)).UInt32((uint)value);

    public XdrWriter Opaque(ReadOnlySpan<byte> value)
    {
        UInt32((uint)value.Length);
        _bytes.Write(value);
        _bytes.Write(new byte[((value.Length + 3) & ~3) - value.Length]);
        return this;
    }

    public XdrWriter String(string value) => Opaque(Encoding.UTF8.GetBytes(value));

    /// <summary>A <c>post_op_attr</c> with attributes: size, mtime and ctime set, the rest filled.</summary>
    public XdrWriter Attributes(ulong size, ulong mtime = 7, ulong ctime = 9)
    {
        UInt32(1).UInt32(1).UInt32(0x1A4).UInt32(1).UInt32(0).UInt32(0);
        return UInt64(size).UInt64(size).UInt64(0).UInt64(1).UInt64(42).UInt64(5).UInt64(mtime).UInt64(ctime);
    }

    public byte[] ToArray() => _bytes.ToArray();
}
