using System.Buffers.Binary;

namespace WanAccel.Appliance.Protocols.Smb;

/// <summary>SMB2 CREATE response (MS-SMB2 2.2.14): the FileId the server gave the opened file.</summary>
internal readonly ref struct CreateResponse
{
    /// <summary>Header and fixed part, up to the create contexts.</summary>
    public const int FixedLength = Smb2Header.Length + 88;

    private readonly ReadOnlySpan<byte> _body;

    /// <param name="message">At least <see cref="FixedLength"/> bytes from the message header on.</param>
    public CreateResponse(ReadOnlySpan<byte> message) => _body = message[Smb2Header.Length..FixedLength];

    public bool IsValid => BinaryPrimitives.ReadUInt16LittleEndian(_body) == 89;

    /// <summary>SMB2_FILEID: persistent (low 64 bits) and volatile (high 64 bits) parts, as on the wire.</summary>
    public UInt128 FileId => BinaryPrimitives.ReadUInt128LittleEndian(_body[64..]);
}
