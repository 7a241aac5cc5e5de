namespace WanAccel.Appliance.Protocols.Smb;

/// <summary>The NTSTATUS values the parser tells apart (MS-ERREF 2.3.1); any other is an error without events.</summary>
internal static class NtStatus
{
    public const uint Success = 0x00000000;

    /// <summary>An interim response: the final one follows later with the same MessageId (MS-SMB2 3.3.4.2).</summary>
    public const uint Pending = 0x00000103;
}
