using WanAccel.Appliance.FileTransfer;

namespace WanAccel.Cli.Copy;

/// <summary>What <c>wanaccel cp --json</c> prints: every file copied with its figures, every failure, and totals.</summary>
internal sealed record CopySummary(IReadOnlyList<TransferReport> Files, IReadOnlyList<CopyFailure> Errors)
{
    public long Bytes => Files.Sum(f => f.Length);

    public long DiskBytesRead => Files.Sum(f => f.DiskBytesRead);

    public long WanBytes => Files.Sum(f => f.WanBytes);

    public long CacheBytes => Files.Sum(f => f.CacheBytes);

    public long BasisBytes => Files.Sum(f => f.BasisBytes);

    public long ZeroBytes => Files.Sum(f => f.ZeroBytes);

    public long GuestFreeBytes => Files.Sum(f => f.GuestFreeBytes);

    public bool Ok => Errors.Count == 0;
}
