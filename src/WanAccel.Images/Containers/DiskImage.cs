using WanAccel.Images.Containers.Qcow2;
using WanAccel.Images.Containers.Raw;
using WanAccel.Images.Containers.Vdi;
using WanAccel.Images.Containers.Vhd;
using WanAccel.Images.Containers.Vhdx;
using WanAccel.Images.Containers.Vmdk;
using WanAccel.Images.FileSystems.Ext;
using WanAccel.Images.FileSystems.Fat;
using WanAccel.Images.FileSystems.Ntfs;
using WanAccel.Images.IO;
using WanAccel.Images.Partitions;

namespace WanAccel.Images.Containers;

/// <summary>Opens any supported VM disk image, detecting its format from content (never from the file name).</summary>
public static class DiskImage
{
    /// <summary>Bytes read from the start of a file for detection.</summary>
    internal const int ProbeLength = 64 * 1024;

    // Order matters: specific signatures first; raw accepts anything and comes last.
    private static readonly IImageFormatReader[] s_readers =
    [
        new Qcow2ImageReader(),
        new VmdkImageReader(),
        new VdiImageReader(),
        new VhdxImageReader(),
        new VhdImageReader(),
        new RawImageReader(),
    ];

    /// <summary>Bytes from the start of a file that <see cref="Detect"/> looks at (more are ignored).</summary>
    public const int DetectLength = 4096;

    /// <summary>
    /// The format of a VM disk image from its first bytes alone (a file seen passing on the network, with no access to
    /// the rest): a container's signature, or for <see cref="ImageFormat.Raw"/> a partition table (MBR, GPT) or a bare
    /// NTFS, FAT or ext2/3/4 file system. Null when the bytes look like none (including fixed VHDs, whose only
    /// signature is at the end). Never throws; any length is accepted.
    /// </summary>
    public static ImageFormat? Detect(ReadOnlySpan<byte> head)
    {
        head = head[..Math.Min(head.Length, DetectLength)];
        using var nothingElse = new EmptyByteSource();
        foreach (var reader in s_readers)
        {
            if (reader.Format != ImageFormat.Raw && reader.Probe(head, nothingElse))
            {
                return reader.Format;
            }
        }

        return LooksLikeRawDisk(head) ? ImageFormat.Raw : null;
    }

    /// <summary>Opens <paramref name="path"/> read-only. Throws <see cref="ImageFormatException"/> on malformed input.</summary>
    public static IVirtualDisk Open(string path) => Open(path, new ImageOpenContext());

    internal static IVirtualDisk Open(string path, ImageOpenContext context)
    {
        context.Enter(path);
        var file = new FileByteSource(path);
        try
        {
            var head = new byte[(int)Math.Min(ProbeLength, file.Length)];
            file.ReadExactlyAt(0, head, "probe");
            foreach (var reader in s_readers)
            {
                if (reader.Probe(head, file))
                {
                    return reader.Open(path, file, context);
                }
            }

            throw new ImageFormatException(ImageError.Unsupported, $"{path}: unrecognised image format");
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private static bool LooksLikeRawDisk(ReadOnlySpan<byte> head)
    {
        if (head.Length < 512)
        {
            return false;
        }

        var sector = head[..512];
        var partitioned = MbrReader.Looks(sector) && (sector[450] | sector[466] | sector[482] | sector[498]) != 0;
        return partitioned || NtfsBootSector.HasSignature(sector) || FatBootSector.Looks(sector)
            || (head.Length >= 520 && head.Slice(512, 8).SequenceEqual("EFI PART"u8))
            || (head.Length >= ExtSuperblock.Offset + 0x3A && ExtSuperblock.HasMagic(head[ExtSuperblock.Offset..]));
    }

    /// <summary>A source with no bytes: probes that would look at the end of a file find nothing there.</summary>
    private sealed class EmptyByteSource : IByteSource
    {
        public long Length => 0;

        public int ReadAt(long offset, Span<byte> buffer) => 0;

        public void Dispose()
        {
        }
    }
}
