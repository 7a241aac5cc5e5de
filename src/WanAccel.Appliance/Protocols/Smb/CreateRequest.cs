using System.Buffers.Binary;

namespace WanAccel.Appliance.Protocols.Smb;

/// <summary>SMB2 CREATE request (MS-SMB2 2.2.13): the UTF-16 name relative to the share; create contexts are ignored.</summary>
internal readonly ref struct CreateRequest
{
    /// <summary>Header and fixed part, up to the variable buffer.</summary>
    public const int FixedLength = Smb2Header.Length + 56;

    private readonly ReadOnlySpan<byte> _body;

    /// <param name="message">At least <see cref="FixedLength"/> bytes from the message header on.</param>
    public CreateRequest(ReadOnlySpan<byte> message) => _body = message[Smb2Header.Length..FixedLength];

    public bool IsValid => BinaryPrimitives.ReadUInt16LittleEndian(_body) == 57;

    /// <summary>Offset of the name from the start of the header.</summary>
    public ushort NameOffset => BinaryPrimitives.ReadUInt16LittleEndian(_body[44..]);

    /// <summary>Length of the name in bytes (0 opens the share's root).</summary>
    public ushort NameLength => BinaryPrimitives.ReadUInt16LittleEndian(_body[46..]);
}
