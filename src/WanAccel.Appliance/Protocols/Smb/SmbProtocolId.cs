namespace WanAccel.Appliance.Protocols.Smb;

/// <summary>The first four bytes of a message, read little-endian (0xFE 'S' 'M' 'B' and its kin).</summary>
internal static class SmbProtocolId
{
    /// <summary>SMB2/3 message header (MS-SMB2 2.2.1).</summary>
    public const uint Smb2 = 0x424D53FE;

    /// <summary>SMB1 header: older clients open with a multi-protocol SMB1 NEGOTIATE (MS-SMB2 3.3.5.3).</summary>
    public const uint Smb1 = 0x424D53FF;

    /// <summary>SMB3 transform header: an encrypted message (MS-SMB2 2.2.41).</summary>
    public const uint Transform = 0x424D53FD;

    /// <summary>SMB 3.1.1 compression transform header (MS-SMB2 2.2.42).</summary>
    public const uint Compressed = 0x424D53FC;

    /// <summary>The SMB1 NEGOTIATE command byte (offset 4 of the SMB1 header).</summary>
    public const byte Smb1Negotiate = 0x72;
}
