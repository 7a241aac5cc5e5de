using System.Text;
using WanAccel.Images.Containers.Shared;
using WanAccel.Images.IO;

namespace WanAccel.Images.Containers.Vhd;

/// <summary>
/// Microsoft VHD (Virtual Hard Disk Image Format Specification 1.0): fixed, dynamic and differencing.
/// Every offset and count from the file is range-checked before use.
/// </summary>
internal sealed class VhdImageReader : IImageFormatReader
{
    /// <summary>Largest virtual size accepted (the VHD format itself stops at 2040 GiB).</summary>
    public const long MaxVirtualSize = 64L << 40;

    /// <summary>Most BAT entries read (64 MiB of table; 2040 GiB at the smallest sane 128 KiB block).</summary>
    public const long MaxBatEntries = 1L << 24;

    /// <summary>Longest parent locator read (bytes).</summary>
    public const int MaxLocatorBytes = 64 * 1024;

    public ImageFormat Format => ImageFormat.Vhd;

    public bool Probe(ReadOnlySpan<byte> head, IByteSource file)
    {
        if (head.Length >= 8 && head[..8].SequenceEqual(VhdFooter.Cookie))
        {
            return true;
        }

        if (file.Length < VhdFooter.Size)
        {
            return false;
        }

        Span<byte> cookie = stackalloc byte[8];
        return file.ReadAt(file.Length - VhdFooter.Size, cookie) == 8 && cookie.SequenceEqual(VhdFooter.Cookie);
    }

    public IVirtualDisk Open(string path, FileByteSource file, ImageOpenContext context)
    {
        var (footer, footerAtEnd) = ReadFooter(path, file);
        if (footer.FileFormatVersion >> 16 != 1)
        {
            throw new ImageFormatException(ImageError.Unsupported, $"{path}: VHD file format version 0x{footer.FileFormatVersion:x8}");
        }

        if (footer.CurrentSize > MaxVirtualSize)
        {
            throw new ImageFormatException(ImageError.LimitExceeded, $"{path}: VHD virtual size {footer.CurrentSize} exceeds {MaxVirtualSize}");
        }

        var size = (long)footer.CurrentSize;
        switch (footer.DiskType)
        {
            case VhdFooter.TypeFixed:
                if (!footerAtEnd || size > file.Length - VhdFooter.Size)
                {
                    throw new ImageFormatException(ImageError.Truncated, $"{path}: fixed VHD of {size} bytes in a {file.Length}-byte file");
                }

                return new VhdFixedDisk(file, footer);
            case VhdFooter.TypeDynamic:
            case VhdFooter.TypeDifferencing:
                return OpenDynamic(path, file, footer, footerAtEnd ? file.Length - VhdFooter.Size : file.Length, context);
            default:
                throw new ImageFormatException(ImageError.Unsupported, $"{path}: VHD disk type {footer.DiskType}");
        }
    }

    /// <summary>The footer at the end; for dynamic disks the copy at offset 0 stands in when that one is damaged (spec: "hard disk footer copy").</summary>
    private static (VhdFooter Footer, bool AtEnd) ReadFooter(string path, FileByteSource file)
    {
        Span<byte> b = stackalloc byte[VhdFooter.Size];
        if (file.Length >= VhdFooter.Size)
        {
            file.ReadExactlyAt(file.Length - VhdFooter.Size, b, $"{path}: VHD footer");
            if (VhdFooter.TryParse(b) is { } end)
            {
                return (end, true);
            }

            file.ReadExactlyAt(0, b, $"{path}: VHD footer copy");
            if (VhdFooter.TryParse(b) is { DiskType: VhdFooter.TypeDynamic or VhdFooter.TypeDifferencing } copy)
            {
                return (copy, false);
            }
        }

        throw new ImageFormatException(ImageError.Corrupt, $"{path}: no VHD footer with a valid checksum");
    }

    private static IVirtualDisk OpenDynamic(string path, FileByteSource file, VhdFooter footer, long dataEnd, ImageOpenContext context)
    {
        if (footer.DataOffset < VhdFooter.Size || footer.DataOffset > (ulong)(dataEnd - VhdDynamicHeader.Size))
        {
            throw new ImageFormatException(ImageError.Corrupt, $"{path}: VHD dynamic header offset {footer.DataOffset} outside the file");
        }

        var headerOffset = (long)footer.DataOffset;
        var hb = new byte[VhdDynamicHeader.Size];
        file.ReadExactlyAt(headerOffset, hb, $"{path}: VHD dynamic header");
        var header = VhdDynamicHeader.Parse(hb, path);

        if (header.BlockSize < 512 || header.BlockSize > (256u << 20) || !uint.IsPow2(header.BlockSize))
        {
            throw new ImageFormatException(ImageError.Unsupported, $"{path}: VHD block size {header.BlockSize}");
        }

        var size = (long)footer.CurrentSize;
        var blocks = size == 0 ? 0 : ((size - 1) / header.BlockSize) + 1;
        if (blocks > header.MaxTableEntries)
        {
            throw new ImageFormatException(ImageError.Corrupt, $"{path}: BAT of {header.MaxTableEntries} entries cannot cover {size} bytes");
        }

        if (blocks > MaxBatEntries)
        {
            throw new ImageFormatException(ImageError.LimitExceeded, $"{path}: {blocks} BAT entries exceed {MaxBatEntries}");
        }

        var batBytes = blocks * 4;
        if (header.TableOffset < VhdFooter.Size || header.TableOffset > (ulong)(dataEnd - batBytes))
        {
            throw new ImageFormatException(ImageError.Truncated, $"{path}: BAT of {batBytes} bytes at {header.TableOffset} lies beyond the end");
        }

        var tableOffset = (long)header.TableOffset;
        if (Overlaps(tableOffset, batBytes, headerOffset, VhdDynamicHeader.Size))
        {
            throw new ImageFormatException(ImageError.Corrupt, $"{path}: BAT overlaps the dynamic header");
        }

        var raw = new byte[batBytes];
        file.ReadExactlyAt(tableOffset, raw, $"{path}: BAT");
        var bat = new uint[blocks];
        for (var i = 0; i < bat.Length; i++)
        {
            bat[i] = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(raw.AsSpan(i * 4));
        }

        ValidateBlocks(path, bat, header.BlockSize, dataEnd, [(0, VhdFooter.Size), (headerOffset, VhdDynamicHeader.Size), (tableOffset, batBytes)]);

        IVirtualDisk? parent = null;
        if (footer.DiskType == VhdFooter.TypeDifferencing)
        {
            parent = OpenParent(path, file, header, context);
        }

        return new VhdDynamicDisk(file, footer, header, bat, parent);
    }

    /// <summary>Every allocated block (bitmap + data) must lie inside [512, dataEnd), clear of metadata and of every other block.</summary>
    private static void ValidateBlocks(string path, uint[] bat, uint blockSize, long dataEnd, (long Offset, long Length)[] metadata)
    {
        long span = VhdDynamicDisk.BitmapSizeFor(blockSize) + (long)blockSize;
        var starts = new List<long>();
        for (var i = 0; i < bat.Length; i++)
        {
            if (bat[i] == uint.MaxValue)
            {
                continue;
            }

            var start = (long)bat[i] * 512;
            if (start > dataEnd - span)
            {
                throw new ImageFormatException(ImageError.Corrupt, $"{path}: block {i} at {start} (+{span}) lies beyond the data area ({dataEnd} bytes)");
            }

            foreach (var (mo, ml) in metadata)
            {
                if (Overlaps(start, span, mo, ml))
                {
                    throw new ImageFormatException(ImageError.Corrupt, $"{path}: block {i} at {start} overlaps VHD metadata at {mo}");
                }
            }

            starts.Add(start);
        }

        starts.Sort();
        for (var i = 1; i < starts.Count; i++)
        {
            if (starts[i] - starts[i - 1] < span)
            {
                throw new ImageFormatException(ImageError.Corrupt, $"{path}: blocks at {starts[i - 1]} and {starts[i]} overlap");
            }
        }
    }

    private static bool Overlaps(long a, long aLen, long b, long bLen) => a < b + bLen && b < a + aLen;

    private static IVirtualDisk OpenParent(string path, FileByteSource file, VhdDynamicHeader header, ImageOpenContext context)
    {
        var recorded = new List<(string Kind, string Value)>();
        foreach (var kind in new[] { VhdParentLocator.W2ru, VhdParentLocator.W2ku, VhdParentLocator.MacX })
        {
            foreach (var loc in header.Locators)
            {
                if (loc.PlatformCode != kind || loc.DataLength == 0)
                {
                    continue;
                }

                if (loc.DataLength > MaxLocatorBytes || loc.DataOffset > (ulong)(file.Length - loc.DataLength))
                {
                    throw new ImageFormatException(ImageError.Corrupt, $"{path}: parent locator of {loc.DataLength} bytes at {loc.DataOffset} outside the file");
                }

                var data = new byte[loc.DataLength];
                file.ReadExactlyAt((long)loc.DataOffset, data, $"{path}: parent locator");
                var text = kind == VhdParentLocator.MacX ? Encoding.UTF8.GetString(data) : Encoding.Unicode.GetString(data);
                recorded.Add((kind == VhdParentLocator.MacX ? "url" : kind == VhdParentLocator.W2ku ? "absolute" : "relative", text.TrimEnd('\0')));
            }
        }

        // Last resort: the parent's file name from the header, next to the child.
        recorded.Add(("relative", header.ParentUnicodeName));
        var parentPath = ParentPathResolver.Resolve(path, recorded);
        var parent = context.OpenParent(path, parentPath);
        var parentFooter = parent switch { VhdDynamicDisk d => d.Footer, VhdFixedDisk f => f.Footer, _ => null };
        if (parentFooter is not null && parentFooter.UniqueId != header.ParentUniqueId)
        {
            parent.Dispose();
            throw new ImageFormatException(ImageError.Corrupt, $"{path}: parent {parentPath} has unique id different from the recorded {header.ParentUniqueId}");
        }

        return parent;
    }
}
