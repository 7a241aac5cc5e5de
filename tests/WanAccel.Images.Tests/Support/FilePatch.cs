using System.Buffers.Binary;

namespace WanAccel.Images.Tests.Support;

/// <summary>Reads and overwrites integer fields of an image file in place (malformed-input tests).</summary>
internal static class FilePatch
{
    /// <summary>Writes the low <paramref name="width"/> bytes of <paramref name="value"/> little-endian at <paramref name="offset"/>.</summary>
    public static void LittleEndian(string path, int offset, int width, ulong value)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, value);
        Write(path, offset, b.AsSpan(0, width));
    }

    /// <summary>Writes the low <paramref name="width"/> bytes of <paramref name="value"/> big-endian at <paramref name="offset"/>.</summary>
    public static void BigEndian(string path, int offset, int width, ulong value)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(b, value);
        Write(path, offset, b.AsSpan(8 - width, width));
    }

    public static ulong ReadU64LittleEndian(string path, int offset) => BinaryPrimitives.ReadUInt64LittleEndian(Read(path, offset));

    public static ulong ReadU64BigEndian(string path, int offset) => BinaryPrimitives.ReadUInt64BigEndian(Read(path, offset));

    private static byte[] Read(string path, int offset)
    {
        using var fs = File.OpenRead(path);
        var b = new byte[8];
        fs.Position = offset;
        fs.ReadExactly(b);
        return b;
    }

    private static void Write(string path, int offset, ReadOnlySpan<byte> bytes)
    {
        using var fs = new FileStream(path, FileMode.Open);
        fs.Position = offset;
        fs.Write(bytes);
    }
}
