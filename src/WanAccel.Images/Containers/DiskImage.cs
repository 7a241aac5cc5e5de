using WanAccel.Images.Containers.Qcow2;
using WanAccel.Images.Containers.Raw;
using WanAccel.Images.Containers.Vdi;
using WanAccel.Images.Containers.Vhd;
using WanAccel.Images.Containers.Vhdx;
using WanAccel.Images.Containers.Vmdk;
using WanAccel.Images.IO;

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
}
