using System.Buffers.Binary;
using WanAccel.Images.IO;

namespace WanAccel.Images.Containers.Vmdk;

/// <summary>
/// Detects VMDK by content: a hosted sparse extent ("KDMV": monolithicSparse, streamOptimized) or a text descriptor
/// ("# Disk DescriptorFile": monolithicFlat, twoGbMaxExtentFlat/Sparse, ...) whose extents are opened relative to it.
/// </summary>
internal sealed class VmdkImageReader : IImageFormatReader
{
    private const uint CowdMagic = 0x44574f43; // "COWD": ESX 2.x sparse, not supported

    public ImageFormat Format => ImageFormat.Vmdk;

    public bool Probe(ReadOnlySpan<byte> head, IByteSource file) =>
        (head.Length >= 4 && BinaryPrimitives.ReadUInt32LittleEndian(head) is VmdkSparseHeader.Magic or CowdMagic) ||
        VmdkDescriptor.Probe(head);

    public IVirtualDisk Open(string path, FileByteSource file, ImageOpenContext context)
    {
        Span<byte> magic = stackalloc byte[4];
        file.ReadExactlyAt(0, magic, "vmdk magic");
        switch (BinaryPrimitives.ReadUInt32LittleEndian(magic))
        {
            case CowdMagic:
                throw new ImageFormatException(ImageError.Unsupported, $"{path}: vmdk COWD (ESX sparse) extents");
            case VmdkSparseHeader.Magic:
                return OpenMonolithic(path, file, context);
        }

        if (file.Length > VmdkDescriptor.MaxBytes)
        {
            throw new ImageFormatException(ImageError.LimitExceeded, $"{path}: vmdk descriptor file of {file.Length} bytes (limit {VmdkDescriptor.MaxBytes})");
        }

        var text = new byte[file.Length];
        file.ReadExactlyAt(0, text, "vmdk descriptor");
        var descriptor = VmdkDescriptor.Parse(text, path);
        var extents = new List<IVmdkExtent>();
        IVirtualDisk? parent = null;
        try
        {
            long total = 0;
            foreach (var line in descriptor.Extents)
            {
                if (line.Sectors > VmdkSparseHeader.MaxCapacitySectors - total)
                {
                    throw new ImageFormatException(ImageError.LimitExceeded, $"{path}: vmdk extents add up to more than 64 TiB");
                }

                total += line.Sectors;
                extents.Add(OpenExtent(path, line));
            }

            parent = OpenParent(descriptor, path, context);
            return new VmdkDisk(file, descriptor.CreateType, extents, dataInOpenedFile: false, parent);
        }
        catch
        {
            parent?.Dispose();
            foreach (var e in extents)
            {
                e.Dispose();
            }

            throw;
        }
    }

    private static VmdkDisk OpenMonolithic(string path, FileByteSource file, ImageOpenContext context)
    {
        var header = VmdkSparseHeader.Read(file, path);
        var subformat = header.Compressed ? "streamOptimized" : "monolithicSparse";
        VmdkDescriptor? descriptor = null;
        if (header.DescriptorOffsetSectors > 0 && header.DescriptorSizeSectors > 0)
        {
            var offset = header.DescriptorOffsetSectors * VmdkSparseHeader.Sector;
            var text = new byte[Math.Min(header.DescriptorSizeSectors * VmdkSparseHeader.Sector, file.Length - offset)];
            file.ReadExactlyAt(offset, text, "vmdk embedded descriptor");
            descriptor = VmdkDescriptor.Parse(text, path);
            if (descriptor.CreateType.Length > 0)
            {
                subformat = descriptor.CreateType;
            }
        }

        var extent = new VmdkSparseExtent(file, header, header.CapacitySectors * VmdkSparseHeader.Sector);
        var parent = descriptor is null ? null : OpenParent(descriptor, path, context);
        return new VmdkDisk(file, subformat, [extent], dataInOpenedFile: true, parent);
    }

    /// <summary>The parent of a delta link (parentCID other than ffffffff), by its parentFileNameHint.</summary>
    private static IVirtualDisk? OpenParent(VmdkDescriptor descriptor, string path, ImageOpenContext context)
    {
        if (!descriptor.Keys.TryGetValue("parentCID", out var cid) || cid.Equals("ffffffff", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (!descriptor.Keys.TryGetValue("parentFileNameHint", out var hint) || hint.Length == 0)
        {
            throw new ImageFormatException(ImageError.Corrupt, $"{path}: vmdk delta disk (parentCID {cid}) without parentFileNameHint");
        }

        return context.OpenParent(path, hint);
    }

    private static IVmdkExtent OpenExtent(string descriptorPath, VmdkExtentLine line)
    {
        var length = line.Sectors * VmdkSparseHeader.Sector;
        if (line.Type == "ZERO")
        {
            return new VmdkZeroExtent(length);
        }

        if (line.Type is not ("FLAT" or "VMFS" or "SPARSE"))
        {
            throw new ImageFormatException(ImageError.Unsupported, $"{descriptorPath}: vmdk extent type {line.Type}");
        }

        var name = line.FileName!;
        var resolved = ImageOpenContext.ResolveFile(descriptorPath, name, "vmdk extent file");
        var file = new FileByteSource(resolved);
        try
        {
            if (line.Type != "SPARSE")
            {
                if (line.OffsetSectors > long.MaxValue / VmdkSparseHeader.Sector)
                {
                    throw new ImageFormatException(ImageError.Corrupt, $"{descriptorPath}: vmdk extent offset {line.OffsetSectors}");
                }

                return new VmdkFlatExtent(file, line.OffsetSectors * VmdkSparseHeader.Sector, length);
            }

            Span<byte> magic = stackalloc byte[4];
            file.ReadExactlyAt(0, magic, "vmdk sparse extent magic");
            if (BinaryPrimitives.ReadUInt32LittleEndian(magic) != VmdkSparseHeader.Magic)
            {
                throw new ImageFormatException(ImageError.Corrupt, $"{resolved}: vmdk SPARSE extent without a KDMV header");
            }

            return new VmdkSparseExtent(file, VmdkSparseHeader.Read(file, resolved), length);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }
}
