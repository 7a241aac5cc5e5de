namespace WanAccel.Appliance.FileTransfer.Protocol;

/// <summary>Bounds every record is checked against before anything is allocated or written.</summary>
public static class ProtocolLimits
{
    /// <summary>Record header: type (1) and payload length (u32 little-endian).</summary>
    public const int HeaderLength = 5;

    /// <summary>Basis block and sender read unit: 64 KiB (a 2 GiB image has 32 Ki blocks, 512 KiB of basis hashes).</summary>
    public const int BlockSize = 64 * 1024;

    /// <summary>Truncated SHA-256 per basis block; the whole-file SHA-256 still catches a collision.</summary>
    public const int BlockHashLength = 16;

    /// <summary>Most hashes in one BASIS record (1 MiB of hashes, 4 GiB of file).</summary>
    public const int MaxHashesPerRecord = 64 * 1024;

    /// <summary>Largest DATA payload.</summary>
    public const int MaxDataLength = BlockSize;

    /// <summary>Largest payload of any record (a full BASIS record).</summary>
    public const int MaxPayload = 12 + (MaxHashesPerRecord * BlockHashLength);

    /// <summary>Largest payload of a control record (REQUEST, FILE, ENTRY, END, RESULT, ERROR).</summary>
    public const int MaxControlPayload = 8 * 1024;

    /// <summary>Longest path or file name in a record, in UTF-8 bytes.</summary>
    public const int MaxPathBytes = 4096;

    /// <summary>Longest error message, in UTF-8 bytes.</summary>
    public const int MaxMessageBytes = 1024;

    /// <summary>Largest file size accepted (16 TiB, the VHDX virtual-size limit is 64 TiB but copies of that size are out of scope).</summary>
    public const long MaxFileSize = 16L << 40;
}
