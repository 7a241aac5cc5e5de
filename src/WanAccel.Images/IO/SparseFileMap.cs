using System.Runtime.InteropServices;
using WanAccel.Images.Containers;

namespace WanAccel.Images.IO;

/// <summary>Maps the data and holes of a (possibly sparse) file with lseek(SEEK_DATA/SEEK_HOLE) on Linux.</summary>
internal static partial class SparseFileMap
{
    private const int SeekData = 3;
    private const int SeekHole = 4;

    /// <summary>Extents of [0, length): holes as <see cref="ExtentKind.Unallocated"/>, data as allocated at the same file offset.</summary>
    public static IReadOnlyList<DiskExtent> Map(string path, long length)
    {
        var extents = new List<DiskExtent>();
        if (length == 0)
        {
            return extents;
        }

        if (!OperatingSystem.IsLinux())
        {
            extents.Add(new DiskExtent(0, length, ExtentKind.Allocated, 0));
            return extents;
        }

        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var fd = (int)handle.DangerousGetHandle();
        long pos = 0;
        while (pos < length)
        {
            var data = LSeek(fd, pos, SeekData);
            if (data < 0 || data >= length)
            {
                Add(extents, new DiskExtent(pos, length - pos, ExtentKind.Unallocated));
                break;
            }

            if (data > pos)
            {
                Add(extents, new DiskExtent(pos, data - pos, ExtentKind.Unallocated));
            }

            var hole = LSeek(fd, data, SeekHole);
            if (hole < 0 || hole > length)
            {
                hole = length;
            }

            Add(extents, new DiskExtent(data, hole - data, ExtentKind.Allocated, data));
            pos = hole;
        }

        return extents;
    }

    private static void Add(List<DiskExtent> extents, DiskExtent extent)
    {
        if (extent.Length > 0)
        {
            extents.Add(extent);
        }
    }

    [LibraryImport("libc", EntryPoint = "lseek", SetLastError = true)]
    private static partial long LSeek(int fd, long offset, int whence);
}
