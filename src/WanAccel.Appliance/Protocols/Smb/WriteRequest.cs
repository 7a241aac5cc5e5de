using System.Buffers.Binary;

namespace WanAccel.Appliance.Protocols.Smb;

/// <summary>SMB2 WRITE request (MS-SMB2 2.2.21): which file, where, and where in the message the data is.</summary>
internal readonly ref struct WriteRequest
{
    /// <summary>Header and fixed part; inline data can start no earlier.</summary>
    public const int FixedLength = Smb2Header.Length + 48;

    /// <summary>SMB2_CHANNEL_NONE: the data is in the message (other channels carry it over RDMA).</summary>
    private const uint ChannelNone = 0;

    private readonly ReadOnlySpan<byte> _body;

    /// <param name="message">At least <see cref="FixedLength"/> bytes from the message header on.</param>
    public WriteRequest(ReadOnlySpan<byte> message) => _body = message[Smb2Header.Length..FixedLength];

    public bool IsValid => BinaryPrimitives.ReadUInt16LittleEndian(_body) == 49;

    /// <summary>Offset of the data from the start of the header.</summary>
    public ushort DataOffset => BinaryPrimitives.ReadUInt16LittleEndian(_body[2..]);

    public uint Length => BinaryPrimitives.ReadUInt32LittleEndian(_body[4..]);

    public ulong Offset => BinaryPrimitives.ReadUInt64LittleEndian(_body[8..]);

    public UInt128 FileId => BinaryPrimitives.ReadUInt128LittleEndian(_body[16..]);

    public bool IsInline => BinaryPrimitives.ReadUInt32LittleEndian(_body[32..]) == ChannelNone;
}
