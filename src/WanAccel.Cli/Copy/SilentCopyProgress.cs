using WanAccel.Appliance.FileTransfer;

namespace WanAccel.Cli.Copy;

/// <summary>No progress output (<c>-q</c>, <c>--json</c>, benchmarks).</summary>
internal sealed class SilentCopyProgress : ICopyProgress
{
    public void Start(CopyJob job)
    {
    }

    public void Size(long bytes)
    {
    }

    public void Advance(long done)
    {
    }

    public void Done(CopyJob job, TransferReport? report, string? error)
    {
    }
}
