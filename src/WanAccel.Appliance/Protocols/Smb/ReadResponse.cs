using System.Buffers.Binary;

namespace WanAccel.Appliance.Protocols.Smb;

/// <summary>SMB2 READ response (MS-SMB2 2.2.20): where in the message the data starts and how long it is.</summary>
internal readonly ref struct ReadResponse
{
    /// <summary>Header and fixed part; the data can start no earlier.</summary>
    public const int FixedLength = Smb2Header.Length + 16;

    private readonly ReadOnlySpan<byte> _body;

    /// <param name="message">At least <see cref="FixedLength"/> bytes from the message header on.</param>
    public ReadResponse(ReadOnlySpan<byte> message) => _body = message[Smb2Header.Length..FixedLength];

    public bool IsValid => BinaryPrimitives.ReadUInt16LittleEndian(_body) == 17;

    /// <summary>Offset of the data from the start of the header (one byte on the wire).</summary>
    public byte DataOffset => _body[2];

    public uint DataLength => BinaryPrimitives.ReadUInt32LittleEndian(_body[4..]);
}
