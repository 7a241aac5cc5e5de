using WanAccel.Images.FileSystems.Ext;
using WanAccel.Images.FileSystems.Fat;
using WanAccel.Images.FileSystems.Ntfs;
using WanAccel.Images.FileSystems.Xfs;
using WanAccel.Images.IO;

namespace WanAccel.Images.FileSystems;

/// <summary>Detects and reads the file system on a volume (a partition or a bare disk).</summary>
public static class GuestFileSystems
{
    /// <summary>
    /// Reads the used/free map of the file system on <paramref name="volume"/>, or null when no supported file system is recognised.
    /// Throws <see cref="ImageFormatException"/> when one is recognised but malformed.
    /// </summary>
    public static GuestFileSystem? Read(IByteSource volume)
    {
        if (ExtReader.Probe(volume))
        {
            return ExtReader.Read(volume).FileSystem;
        }

        if (NtfsReader.Probe(volume))
        {
            return NtfsReader.Read(volume).FileSystem;
        }

        if (XfsReader.Probe(volume))
        {
            return XfsReader.Read(volume).FileSystem;
        }

        if (FatReader.Probe(volume))
        {
            return FatReader.Read(volume).FileSystem;
        }

        return null;
    }
}
