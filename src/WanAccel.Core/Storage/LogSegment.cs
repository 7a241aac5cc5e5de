using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace WanAccel.Core.Storage;

/// <summary>
/// One segment: a data file <c>seg-NNNNNNNNNN.log</c> of records after a 16-byte header
/// (u32 magic "WACS", u32 version 1, u64 segment number), and its sidecar index <c>.idx</c> (<see cref="SegmentIndexFile"/>).
/// </summary>
internal sealed class LogSegment
{
    public const int HeaderSize = 16;

    private const uint Magic = 0x53434157; // "WACS"
    private const uint Version = 1;

    private long _length;

    public LogSegment(long number, string directory, SafeFileHandle handle, long length)
    {
        Number = number;
        DataPath = DataPathOf(directory, number);
        IndexPath = System.IO.Path.ChangeExtension(DataPath, ".idx");
        Handle = handle;
        _length = length;
    }

    public long Number { get; }

    public string DataPath { get; }

    public string IndexPath { get; }

    /// <summary>pread/pwrite handle; thread-safe for positional I/O.</summary>
    public SafeFileHandle Handle { get; }

    /// <summary>Bytes of valid data (header and whole records). Written by the writer only.</summary>
    public long Length
    {
        get => Volatile.Read(ref _length);
        set => Volatile.Write(ref _length, value);
    }

    public int EntryCount { get; set; }

    /// <summary>Sidecar writer while this segment is the active one; null once sealed.</summary>
    public SegmentIndexWriter? IndexWriter { get; set; }

    public static string DataPathOf(string directory, long number) =>
        System.IO.Path.Combine(directory, $"seg-{number:D10}.log");

    /// <summary>Parses the number out of a data file name, or -1.</summary>
    public static long ParseNumber(string path)
    {
        var name = System.IO.Path.GetFileName(path.AsSpan());
        if (name.Length != 18 || !name.StartsWith("seg-") || !name.EndsWith(".log"))
        {
            return -1;
        }

        return long.TryParse(name[4..14], System.Globalization.NumberStyles.None, null, out long number) ? number : -1;
    }

    public static void WriteHeader(SafeFileHandle handle, long number)
    {
        Span<byte> header = stackalloc byte[HeaderSize];
        BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], Version);
        BinaryPrimitives.WriteInt64LittleEndian(header[8..], number);
        RandomAccess.Write(handle, header, 0);
    }

    public static bool HeaderMatches(SafeFileHandle handle, long number)
    {
        Span<byte> header = stackalloc byte[HeaderSize];
        return RandomAccess.Read(handle, header, 0) == HeaderSize
            && BinaryPrimitives.ReadUInt32LittleEndian(header) == Magic
            && BinaryPrimitives.ReadUInt32LittleEndian(header[4..]) == Version
            && BinaryPrimitives.ReadInt64LittleEndian(header[8..]) == number;
    }
}
