using System.Buffers.Binary;
using WanAccel.Images.IO;

namespace WanAccel.Images.Containers.Vhdx;

/// <summary>The system metadata items a reader needs (MS-VHDX 2.6): file parameters, sizes, parent locator.</summary>
internal sealed record VhdxMetadata(
    uint BlockSize,
    bool LeaveBlocksAllocated,
    bool HasParent,
    long VirtualDiskSize,
    uint LogicalSectorSize,
    IReadOnlyDictionary<string, string>? ParentLocator)
{
    public const int TableSize = 64 * 1024;
    public const int MaxEntries = 2047;

    /// <summary>Largest virtual size accepted (the format's own maximum, 64 TiB).</summary>
    public const long MaxVirtualSize = 64L << 40;

    /// <summary>Largest metadata item read (the parent locator is the only variable one; Hyper-V writes a few hundred bytes).</summary>
    public const int MaxItemLength = 1024 * 1024;

    public static VhdxMetadata Read(string path, IByteSource file, VhdxRegion region)
    {
        if (region.Length < TableSize)
        {
            throw new ImageFormatException(ImageError.Corrupt, $"{path}: VHDX metadata region of {region.Length} bytes is smaller than its table");
        }

        var table = new byte[TableSize];
        file.ReadExactlyAt(region.FileOffset, table, $"{path}: VHDX metadata table");
        if (!table.AsSpan(0, 8).SequenceEqual("metadata"u8))
        {
            throw new ImageFormatException(ImageError.Corrupt, $"{path}: VHDX metadata table signature missing");
        }

        var count = BinaryPrimitives.ReadUInt16LittleEndian(table.AsSpan(10));
        if (count > MaxEntries)
        {
            throw new ImageFormatException(ImageError.Corrupt, $"{path}: VHDX metadata table has {count} entries (max {MaxEntries})");
        }

        var items = new Dictionary<Guid, byte[]>();
        for (var i = 0; i < count; i++)
        {
            var e = table.AsSpan(32 + (i * 32), 32);
            var id = new Guid(e[..16]);
            var offset = BinaryPrimitives.ReadUInt32LittleEndian(e[16..]);
            var length = BinaryPrimitives.ReadUInt32LittleEndian(e[20..]);
            var flags = BinaryPrimitives.ReadUInt32LittleEndian(e[24..]);
            var isUser = (flags & 1) != 0;
            var isRequired = (flags & 4) != 0;
            if (length > 0 && (offset < TableSize || offset > region.Length || length > region.Length - offset))
            {
                throw new ImageFormatException(ImageError.Corrupt, $"{path}: VHDX metadata item {id} [{offset}, +{length}) outside its region");
            }

            if (!IsKnown(id))
            {
                if (isRequired && !isUser)
                {
                    throw new ImageFormatException(ImageError.Unsupported, $"{path}: VHDX requires unknown metadata item {id}");
                }

                continue;
            }

            if (length > MaxItemLength)
            {
                throw new ImageFormatException(ImageError.LimitExceeded, $"{path}: VHDX metadata item {id} of {length} bytes");
            }

            if (!items.TryAdd(id, new byte[length]))
            {
                throw new ImageFormatException(ImageError.Corrupt, $"{path}: VHDX metadata item {id} listed twice");
            }

            file.ReadExactlyAt(region.FileOffset + offset, items[id], $"{path}: VHDX metadata item {id}");
        }

        var fileParameters = Item(path, items, VhdxGuids.FileParameters, 8);
        var blockSize = BinaryPrimitives.ReadUInt32LittleEndian(fileParameters);
        var paramFlags = BinaryPrimitives.ReadUInt32LittleEndian(fileParameters.AsSpan(4));
        var size = BinaryPrimitives.ReadUInt64LittleEndian(Item(path, items, VhdxGuids.VirtualDiskSize, 8));
        var sector = BinaryPrimitives.ReadUInt32LittleEndian(Item(path, items, VhdxGuids.LogicalSectorSize, 4));

        // MS-VHDX 2.6.2.1: block size is a power of two from 1 MB to 256 MB; 2.6.2.4: sector size 512 or 4096.
        if (blockSize < (1u << 20) || blockSize > (256u << 20) || !uint.IsPow2(blockSize))
        {
            throw new ImageFormatException(ImageError.Corrupt, $"{path}: VHDX block size {blockSize}");
        }

        if (sector is not (512 or 4096))
        {
            throw new ImageFormatException(ImageError.Corrupt, $"{path}: VHDX logical sector size {sector}");
        }

        if (size > MaxVirtualSize)
        {
            throw new ImageFormatException(ImageError.LimitExceeded, $"{path}: VHDX virtual size {size} exceeds {MaxVirtualSize}");
        }

        var hasParent = (paramFlags & 2) != 0;
        IReadOnlyDictionary<string, string>? locator = null;
        if (hasParent)
        {
            if (!items.TryGetValue(VhdxGuids.ParentLocator, out var loc))
            {
                throw new ImageFormatException(ImageError.Corrupt, $"{path}: differencing VHDX without a parent locator");
            }

            locator = VhdxParentLocator.Parse(path, loc);
        }

        return new VhdxMetadata(blockSize, (paramFlags & 1) != 0, hasParent, (long)size, sector, locator);
    }

    private static bool IsKnown(Guid id)
        => id == VhdxGuids.FileParameters || id == VhdxGuids.VirtualDiskSize || id == VhdxGuids.VirtualDiskId
        || id == VhdxGuids.LogicalSectorSize || id == VhdxGuids.PhysicalSectorSize || id == VhdxGuids.ParentLocator;

    private static byte[] Item(string path, Dictionary<Guid, byte[]> items, Guid id, int minLength)
        => items.TryGetValue(id, out var b) && b.Length >= minLength
            ? b
            : throw new ImageFormatException(ImageError.Corrupt, $"{path}: VHDX metadata item {id} missing or shorter than {minLength} bytes");
}
