using WanAccel.Images;
using WanAccel.Images.Containers;
using WanAccel.Images.IO;
using WanAccel.Images.Regions;

namespace WanAccel.Cli.Bench;

/// <summary>
/// The check of a skip-guest-free copy: both files open as images of the same format and virtual size, and every
/// virtual byte a skip-guest-free copy must carry (guest-used and not understood regions) reads the same in both.
/// </summary>
internal static class GuestContentCheck
{
    public static bool Matches(string source, string copy)
    {
        try
        {
            using var a = DiskImage.Open(source);
            using var b = DiskImage.Open(copy);
            if (a.Format != b.Format || a.Length != b.Length)
            {
                return false;
            }

            var left = new byte[1 << 20];
            var right = new byte[1 << 20];
            foreach (var range in DiskRegionMap.Build(a).RegionsToTransfer(TransferPolicy.SkipGuestFree))
            {
                for (var at = range.Offset; at < range.End; at += left.Length)
                {
                    var n = (int)Math.Min(left.Length, range.End - at);
                    a.ReadExactlyAt(at, left.AsSpan(0, n), "source");
                    b.ReadExactlyAt(at, right.AsSpan(0, n), "copy");
                    if (!left.AsSpan(0, n).SequenceEqual(right.AsSpan(0, n)))
                    {
                        return false;
                    }
                }
            }

            return true;
        }
        catch (ImageFormatException)
        {
            return false;
        }
    }
}
