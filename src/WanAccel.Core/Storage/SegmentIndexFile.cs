using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;

namespace WanAccel.Core.Storage;

/// <summary>
/// The sidecar index of a segment, so reopening reads 16 bytes per chunk instead of rescanning the data:
/// <code>
/// n × 16  entries: u64 id prefix, u32 record offset, u32 payload length
/// 32      trailer (sealed segments only): u32 magic "WACX", u32 version 1, u64 entry count,
///         u64 data file length, u64 XxHash3 of the entries
/// </code>
/// A sidecar without a valid trailer (active segment, crash during seal) is ignored and the data file scanned.
/// </summary>
internal static class SegmentIndexFile
{
    public const int EntrySize = 16;
    public const int TrailerSize = 32;
    public const uint Magic = 0x58434157; // "WACX"
    public const uint Version = 1;

    public static void WriteEntry(Span<byte> destination, ulong prefix, long offset, int length)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(destination, prefix);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], (uint)offset);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[12..], (uint)length);
    }

    public static void ReadEntry(ReadOnlySpan<byte> source, out ulong prefix, out long offset, out int length)
    {
        prefix = BinaryPrimitives.ReadUInt64LittleEndian(source);
        offset = BinaryPrimitives.ReadUInt32LittleEndian(source[8..]);
        length = (int)BinaryPrimitives.ReadUInt32LittleEndian(source[12..]);
    }

    public static void WriteTrailer(Span<byte> destination, long count, long dataLength, ulong entriesHash)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], Version);
        BinaryPrimitives.WriteInt64LittleEndian(destination[8..], count);
        BinaryPrimitives.WriteInt64LittleEndian(destination[16..], dataLength);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[24..], entriesHash);
    }

    /// <summary>
    /// Reads a sealed sidecar whose trailer matches <paramref name="dataLength"/> into an <see cref="ArrayPool{T}.Shared"/>
    /// array (the caller returns it), entries first; null when the file is missing, unsealed, or damaged.
    /// </summary>
    public static byte[]? TryLoad(string path, long dataLength, out int count)
    {
        count = 0;
        byte[]? bytes = null;
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            long length = RandomAccess.GetLength(handle);
            if (length < TrailerSize || (length - TrailerSize) % EntrySize != 0 || length > Array.MaxLength)
            {
                return null;
            }

            bytes = ArrayPool<byte>.Shared.Rent((int)length);
            if (!IsValid(handle, bytes.AsSpan(0, (int)length), dataLength))
            {
                ArrayPool<byte>.Shared.Return(bytes);
                return null;
            }

            count = (int)((length - TrailerSize) / EntrySize);
            return bytes;
        }
        catch (IOException)
        {
            if (bytes is not null)
            {
                ArrayPool<byte>.Shared.Return(bytes);
            }

            return null;
        }
    }

    private static bool IsValid(Microsoft.Win32.SafeHandles.SafeFileHandle handle, Span<byte> bytes, long dataLength)
    {
        int total = 0;
        while (total < bytes.Length)
        {
            int read = RandomAccess.Read(handle, bytes[total..], total);
            if (read == 0)
            {
                return false;
            }

            total += read;
        }

        var entries = bytes[..^TrailerSize];
        var trailer = bytes[^TrailerSize..];
        bool valid = BinaryPrimitives.ReadUInt32LittleEndian(trailer) == Magic
            && BinaryPrimitives.ReadUInt32LittleEndian(trailer[4..]) == Version
            && BinaryPrimitives.ReadInt64LittleEndian(trailer[8..]) == entries.Length / EntrySize
            && BinaryPrimitives.ReadInt64LittleEndian(trailer[16..]) == dataLength
            && BinaryPrimitives.ReadUInt64LittleEndian(trailer[24..]) == XxHash3.HashToUInt64(entries);
        return valid;
    }
}
