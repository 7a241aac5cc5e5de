using System.Buffers.Binary;
using WanAccel.Images.Containers.Raw;
using WanAccel.Images.IO;

namespace WanAccel.Images.Containers.Qcow2;

/// <summary>Detects QCOW2 by its magic "QFI\xfb" and opens it with its backing chain.</summary>
internal sealed class Qcow2ImageReader : IImageFormatReader
{
    public ImageFormat Format => ImageFormat.Qcow2;

    public bool Probe(ReadOnlySpan<byte> head, IByteSource file) => Qcow2Header.Probe(head);

    public IVirtualDisk Open(string path, FileByteSource file, ImageOpenContext context)
    {
        var header = Qcow2Header.Read(file, path);
        var raw = new byte[header.L1Entries * 8];
        file.ReadExactlyAt(header.L1Offset, raw, "qcow2 L1 table");
        var l1 = new ulong[header.L1Entries];
        var tables = new HashSet<ulong>();
        for (var i = 0; i < l1.Length; i++)
        {
            l1[i] = BinaryPrimitives.ReadUInt64BigEndian(raw.AsSpan(i * 8));
            // The active L1 never shares an L2 table; refusing duplicates bounds the map's work by the file size.
            var table = l1[i] & 0x00ff_ffff_ffff_fe00UL;
            if (table != 0 && !tables.Add(table))
            {
                throw new ImageFormatException(ImageError.Corrupt, $"{path}: qcow2 L2 table at {table} referenced twice by the L1 table");
            }
        }

        var backing = header.BackingFile is { } name ? OpenBacking(path, name, header.BackingFormat, context) : null;
        return new Qcow2Disk(path, file, header, l1, backing);
    }

    private static IVirtualDisk OpenBacking(string path, string name, string? format, ImageOpenContext context)
    {
        if (name.StartsWith("json:", StringComparison.Ordinal) || name.Contains('\0', StringComparison.Ordinal))
        {
            throw new ImageFormatException(ImageError.Unsupported, $"{path}: qcow2 backing file '{name}' is not a plain file name");
        }

        if (format != "raw")
        {
            return context.OpenParent(path, name);
        }

        // A raw backing file must not be probed: guest data in it could look like another format.
        var resolved = ImageOpenContext.ResolveFile(path, name, "backing file");
        context.Enter(resolved);
        return new RawDisk(new FileByteSource(resolved));
    }
}
