using System.Buffers.Binary;

namespace WanAccel.Appliance.Protocols.Smb;

/// <summary>
/// The 64-byte SMB2 header (MS-SMB2 2.2.1), sync or async, over the first bytes of a message. Fields are read on demand
/// with <see cref="BinaryPrimitives"/>; nothing is copied.
/// </summary>
internal readonly ref struct Smb2Header
{
    /// <summary>Header length; also the value of its StructureSize field.</summary>
    public const int Length = 64;

    /// <summary>The FileId value a related compound request uses for "the file of the previous request" (MS-SMB2 3.2.4.1.4).</summary>
    public static readonly UInt128 RelatedFileId = UInt128.MaxValue;

    /// <summary>The MessageId of unsolicited server messages (oplock and lease breaks, MS-SMB2 2.2.23).</summary>
    public const ulong UnsolicitedMessageId = ulong.MaxValue;

    private const uint ServerToRedirector = 0x1;
    private const uint AsyncCommand = 0x2;
    private const uint RelatedOperations = 0x4;

    private readonly ReadOnlySpan<byte> _bytes;

    /// <param name="bytes">At least <see cref="Length"/> bytes starting at the protocol id.</param>
    public Smb2Header(ReadOnlySpan<byte> bytes) => _bytes = bytes[..Length];

    public ushort StructureSize => BinaryPrimitives.ReadUInt16LittleEndian(_bytes[4..]);

    /// <summary>NTSTATUS of a response (requests carry a channel sequence here).</summary>
    public uint Status => BinaryPrimitives.ReadUInt32LittleEndian(_bytes[8..]);

    public ushort Command => BinaryPrimitives.ReadUInt16LittleEndian(_bytes[12..]);

    public uint Flags => BinaryPrimitives.ReadUInt32LittleEndian(_bytes[16..]);

    /// <summary>Offset from this header to the next message of a compound chain, 0 for the last.</summary>
    public uint NextCommand => BinaryPrimitives.ReadUInt32LittleEndian(_bytes[20..]);

    public ulong MessageId => BinaryPrimitives.ReadUInt64LittleEndian(_bytes[24..]);

    /// <summary>TreeId of a sync header; 0 in an async one (which has an AsyncId in its place).</summary>
    public uint TreeId => IsAsync ? 0 : BinaryPrimitives.ReadUInt32LittleEndian(_bytes[36..]);

    public ulong SessionId => BinaryPrimitives.ReadUInt64LittleEndian(_bytes[40..]);

    public bool IsResponse => (Flags & ServerToRedirector) != 0;

    public bool IsAsync => (Flags & AsyncCommand) != 0;

    /// <summary>A compound request that continues the previous one's FileId, session and tree.</summary>
    public bool IsRelated => (Flags & RelatedOperations) != 0;
}
