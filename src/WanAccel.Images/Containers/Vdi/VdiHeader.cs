using System.Buffers.Binary;
using WanAccel.Images.IO;

namespace WanAccel.Images.Containers.Vdi;

/// <summary>
/// The VirtualBox VDI 1.1 header (little-endian, after the 64-byte text "&lt;&lt;&lt; ... Disk Image &gt;&gt;&gt;").
/// Offsets as in VirtualBox's VDICore.h (VDIHEADER1PLUS) and qemu's block/vdi.c.
/// </summary>
internal sealed record VdiHeader
{
    public const uint Signature = 0xbeda107f;
    public const uint Version11 = 0x00010001;
    public const long MaxDiskSize = 64L << 40;

    /// <summary>Largest block map accepted: 64 Mi entries (256 MiB), i.e. 64 TiB of 1 MiB blocks.</summary>
    public const long MaxBlocks = 64L << 20;

    public int ImageType { get; init; }

    public long BlockMapOffset { get; init; }

    public long DataOffset { get; init; }

    public long DiskSize { get; init; }

    public int BlockSize { get; init; }

    public int BlockExtra { get; init; }

    public int Blocks { get; init; }

    public string Subformat => ImageType == 2 ? "fixed" : "dynamic";

    public static bool Probe(ReadOnlySpan<byte> head) =>
        head.Length >= 72 && BinaryPrimitives.ReadUInt32LittleEndian(head[64..]) == Signature;

    public static VdiHeader Read(IByteSource file, string path)
    {
        Span<byte> h = stackalloc byte[0x188];
        file.ReadExactlyAt(0, h, "vdi header");
        if (BinaryPrimitives.ReadUInt32LittleEndian(h[0x40..]) != Signature)
        {
            throw Error(ImageError.Corrupt, path, "bad signature");
        }

        var version = BinaryPrimitives.ReadUInt32LittleEndian(h[0x44..]);
        if (version != Version11)
        {
            throw Error(ImageError.Unsupported, path, $"version {version >> 16}.{version & 0xffff}");
        }

        var type = BinaryPrimitives.ReadUInt32LittleEndian(h[0x4c..]);
        var mapOffset = BinaryPrimitives.ReadUInt32LittleEndian(h[0x154..]);
        var dataOffset = BinaryPrimitives.ReadUInt32LittleEndian(h[0x158..]);
        var sectorSize = BinaryPrimitives.ReadUInt32LittleEndian(h[0x168..]);
        var diskSize = BinaryPrimitives.ReadUInt64LittleEndian(h[0x170..]);
        var blockSize = BinaryPrimitives.ReadUInt32LittleEndian(h[0x178..]);
        var blockExtra = BinaryPrimitives.ReadUInt32LittleEndian(h[0x17c..]);
        var blocks = BinaryPrimitives.ReadUInt32LittleEndian(h[0x180..]);

        // 1 = normal (dynamic), 2 = fixed; 3 = undo and 4 = differencing need a parent found by UUID.
        if (type is not (1 or 2))
        {
            throw Error(ImageError.Unsupported, path, $"image type {type}");
        }

        if (sectorSize != 512)
        {
            throw Error(ImageError.Unsupported, path, $"sector size {sectorSize}");
        }

        if (diskSize > MaxDiskSize)
        {
            throw Error(ImageError.LimitExceeded, path, $"disk size {diskSize} above 64 TiB");
        }

        // VirtualBox always writes 1 MiB blocks; accept powers of two from 512 B to 64 MiB.
        if (blockSize < 512 || blockSize > (64 << 20) || (blockSize & (blockSize - 1)) != 0 || blockExtra > (64 << 20))
        {
            throw Error(ImageError.Corrupt, path, $"block size {blockSize} (+{blockExtra} extra)");
        }

        if (blocks > MaxBlocks)
        {
            throw Error(ImageError.LimitExceeded, path, $"{blocks} blocks");
        }

        if ((ulong)blocks * blockSize < diskSize)
        {
            throw Error(ImageError.Corrupt, path, $"{blocks} blocks of {blockSize} bytes cannot hold {diskSize} bytes");
        }

        if (mapOffset % 512 != 0 || dataOffset % 512 != 0 || mapOffset < 0x188)
        {
            throw Error(ImageError.Corrupt, path, $"block map at {mapOffset}, data at {dataOffset}");
        }

        if (mapOffset > file.Length || (long)blocks * 4 > file.Length - mapOffset)
        {
            throw Error(ImageError.Truncated, path, $"block map ({blocks} entries at {mapOffset}) beyond the end of the file");
        }

        return new VdiHeader
        {
            ImageType = (int)type,
            BlockMapOffset = mapOffset,
            DataOffset = dataOffset,
            DiskSize = (long)diskSize,
            BlockSize = (int)blockSize,
            BlockExtra = (int)blockExtra,
            Blocks = (int)blocks,
        };
    }

    private static ImageFormatException Error(ImageError error, string path, string message) => new(error, $"{path}: vdi {message}");
}
