using System.Buffers.Binary;
using System.IO.Hashing;
using WanAccel.Core.Fingerprints;

namespace WanAccel.Core.Storage;

/// <summary>
/// One chunk on disk, little-endian, padded with zeros to a multiple of 8 bytes:
/// <code>
/// 0   u32  magic "WACR"
/// 4   u32  payload length (0..1 MiB)
/// 8   32   chunk id (SHA-256)
/// 40  n    payload
/// 40+n u64 XxHash3 of bytes [0, 40+n): header and payload
/// </code>
/// The checksum trails the payload so one contiguous one-shot hash covers everything (~20 GB/s).
/// </summary>
internal static class ChunkRecord
{
    public const uint Magic = 0x52434157; // "WACR"

    public const int HeaderSize = 40;

    public const int Overhead = HeaderSize + sizeof(ulong);

    public const int MaxSize = (Overhead + ChunkLimits.MaxChunkSize + 7) & ~7;

    public static int SizeOf(int payloadLength) => (Overhead + payloadLength + 7) & ~7;

    /// <summary>Writes the whole padded record into <paramref name="destination"/>; returns its size.</summary>
    public static int Write(Span<byte> destination, in ChunkId id, ReadOnlySpan<byte> payload)
    {
        int size = SizeOf(payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(destination, Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], (uint)payload.Length);
        id.Write(destination[8..]);
        payload.CopyTo(destination[HeaderSize..]);
        int end = HeaderSize + payload.Length;
        BinaryPrimitives.WriteUInt64LittleEndian(destination[end..], XxHash3.HashToUInt64(destination[..end]));
        destination[(end + sizeof(ulong))..size].Clear();
        return size;
    }

    /// <summary>Payload length from a header prefix (8+ bytes), or -1 when the magic or length is invalid.</summary>
    public static int ReadLength(ReadOnlySpan<byte> header)
    {
        if (BinaryPrimitives.ReadUInt32LittleEndian(header) != Magic)
        {
            return -1;
        }

        uint length = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        return length > ChunkLimits.MaxChunkSize ? -1 : (int)length;
    }

    /// <summary>True when <paramref name="record"/> (at least <see cref="SizeOf"/> bytes) carries a matching checksum.</summary>
    public static bool ChecksumMatches(ReadOnlySpan<byte> record, int payloadLength)
    {
        int end = HeaderSize + payloadLength;
        return BinaryPrimitives.ReadUInt64LittleEndian(record[end..]) == XxHash3.HashToUInt64(record[..end]);
    }

    public static ChunkId ReadId(ReadOnlySpan<byte> record) => ChunkId.Read(record[8..]);
}
