using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace WanAccel.Images.Containers.Shared;

/// <summary>
/// Whether a path names a regular file. Paths recorded inside an image (parents, backing files, VMDK extents) come
/// from outside: a FIFO blocks open(2) forever and a device (/dev/zero, /dev/urandom) never ends, so they are refused
/// before anything opens them. <see cref="File.Exists(string)"/> only rules out directories.
/// </summary>
internal static partial class RegularFile
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;
    private const int StatxModeOffset = 28; // struct statx: mask, blksize, attributes (u64), nlink, uid, gid, then u16 mode
    private const int StatxSize = 256;
    private const int TypeMask = 0xF000; // S_IFMT
    private const int TypeRegular = 0x8000; // S_IFREG

    /// <summary>True when <paramref name="path"/> (symlinks followed) exists and is a regular file.</summary>
    public static bool Is(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        if (!OperatingSystem.IsLinux())
        {
            // Windows has no FIFOs in the file namespace; elsewhere only the directory check applies.
            return true;
        }

        // statx, not stat: its layout is the same on every Linux architecture (glibc ≥ 2.28).
        Span<byte> buffer = stackalloc byte[StatxSize];
        if (Statx(AtFdCwd, path, 0, StatxType, buffer) != 0)
        {
            return false;
        }

        var mode = BinaryPrimitives.ReadUInt16LittleEndian(buffer[StatxModeOffset..]);
        return (mode & TypeMask) == TypeRegular;
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Statx(int dirFd, string path, int flags, uint mask, Span<byte> buffer);
}
