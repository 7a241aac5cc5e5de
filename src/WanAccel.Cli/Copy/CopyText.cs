using System.Globalization;
using WanAccel.Appliance.FileTransfer;
using WanAccel.Cli.Wan;

namespace WanAccel.Cli.Copy;

/// <summary>The one-line report of a copied file.</summary>
internal static class CopyText
{
    public static string Line(TransferReport r) => string.Create(CultureInfo.InvariantCulture,
        $"{r.Source} -> {r.Target}: {WanReport.Bytes(r.Length)} in {r.Seconds:0.0} s; read {WanReport.Bytes(r.DiskBytesRead)} from disk, " +
        $"WAN {WanReport.Bytes(r.WanBytes)} ({SpectreCopyProgress.Reduction(r)}), cache {WanReport.Bytes(r.CacheBytes)}, basis {WanReport.Bytes(r.BasisBytes)}, " +
        $"zeros {WanReport.Bytes(r.ZeroBytes)}, guest-free {WanReport.Bytes(r.GuestFreeBytes)}{(r.Resumed ? ", resumed" : "")}; SHA-256 verified");
}
