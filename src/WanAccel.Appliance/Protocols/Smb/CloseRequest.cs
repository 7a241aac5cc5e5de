using System.Buffers.Binary;

namespace WanAccel.Appliance.Protocols.Smb;

/// <summary>SMB2 CLOSE request (MS-SMB2 2.2.15): which file; the response (2.2.16) does not repeat it.</summary>
internal readonly ref struct CloseRequest
{
    public const int FixedLength = Smb2Header.Length + 24;

    private readonly ReadOnlySpan<byte> _body;

    /// <param name="message">At least <see cref="FixedLength"/> bytes from the message header on.</param>
    public CloseRequest(ReadOnlySpan<byte> message) => _body = message[Smb2Header.Length..FixedLength];

    public bool IsValid => BinaryPrimitives.ReadUInt16LittleEndian(_body) == 24;

    public UInt128 FileId => BinaryPrimitives.ReadUInt128LittleEndian(_body[8..]);
}
