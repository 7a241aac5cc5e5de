using System.Buffers.Binary;

namespace WanAccel.Appliance.Protocols.Smb;

/// <summary>SMB2 TREE_CONNECT request (MS-SMB2 2.2.9): the share's UTF-16 path, <c>\\server\share</c>.</summary>
internal readonly ref struct TreeConnectRequest
{
    /// <summary>Header and fixed part, up to the variable buffer.</summary>
    public const int FixedLength = Smb2Header.Length + 8;

    /// <summary>SMB2_TREE_CONNECT_FLAG_EXTENSION_PRESENT (3.1.1): the buffer starts with an extension, not the path.</summary>
    private const ushort ExtensionPresent = 0x4;

    private readonly ReadOnlySpan<byte> _body;

    /// <param name="message">At least <see cref="FixedLength"/> bytes from the message header on.</param>
    public TreeConnectRequest(ReadOnlySpan<byte> message) => _body = message[Smb2Header.Length..FixedLength];

    public bool IsValid => BinaryPrimitives.ReadUInt16LittleEndian(_body) == 9;

    public bool HasExtension => (BinaryPrimitives.ReadUInt16LittleEndian(_body[2..]) & ExtensionPresent) != 0;

    /// <summary>Offset of the path from the start of the header.</summary>
    public ushort PathOffset => BinaryPrimitives.ReadUInt16LittleEndian(_body[4..]);

    /// <summary>Length of the path in bytes.</summary>
    public ushort PathLength => BinaryPrimitives.ReadUInt16LittleEndian(_body[6..]);
}
