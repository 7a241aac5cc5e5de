using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace WanAccel.Appliance.FileTransfer;

/// <summary>The two POSIX calls .NET lacks: realpath(3) for containment checks and fallocate(2) to punch holes.</summary>
internal static unsafe partial class NativeFile
{
    private const int FallocFlKeepSize = 0x01;
    private const int FallocFlPunchHole = 0x02;

    /// <summary>The canonical absolute path (every symlink resolved) of an existing path; null when it cannot be resolved.</summary>
    public static string? RealPath(string path)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return Path.GetFullPath(path);
        }

        var resolved = RealPathNative(path, 0);
        if (resolved == 0)
        {
            return null;
        }

        try
        {
            return Marshal.PtrToStringUTF8(resolved);
        }
        finally
        {
            NativeMemory.Free((void*)resolved);
        }
    }

    /// <summary>Deallocates [offset, offset+length) keeping the size (reads return zeros); false when the file system cannot.</summary>
    public static bool PunchHole(SafeFileHandle file, long offset, long length)
    {
        if (!OperatingSystem.IsLinux() || length <= 0)
        {
            return false;
        }

        return Fallocate((int)file.DangerousGetHandle(), FallocFlPunchHole | FallocFlKeepSize, offset, length) == 0;
    }

    [LibraryImport("libc", EntryPoint = "realpath", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint RealPathNative(string path, nint resolved);

    [LibraryImport("libc", EntryPoint = "fallocate", SetLastError = true)]
    private static partial int Fallocate(int fd, int mode, long offset, long length);
}
