using System.Buffers.Binary;

namespace WanAccel.Appliance.Protocols.Smb;

/// <summary>SMB2 READ request (MS-SMB2 2.2.19): which file, from where, how much.</summary>
internal readonly ref struct ReadRequest
{
    /// <summary>Header and fixed part (StructureSize 49 counts one byte of the buffer, which may be absent).</summary>
    public const int FixedLength = Smb2Header.Length + 48;

    private readonly ReadOnlySpan<byte> _body;

    /// <param name="message">At least <see cref="FixedLength"/> bytes from the message header on.</param>
    public ReadRequest(ReadOnlySpan<byte> message) => _body = message[Smb2Header.Length..FixedLength];

    public bool IsValid => BinaryPrimitives.ReadUInt16LittleEndian(_body) == 49;

    public uint Length => BinaryPrimitives.ReadUInt32LittleEndian(_body[4..]);

    public ulong Offset => BinaryPrimitives.ReadUInt64LittleEndian(_body[8..]);

    public UInt128 FileId => BinaryPrimitives.ReadUInt128LittleEndian(_body[16..]);
}
