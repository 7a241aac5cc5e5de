using WanAccel.Appliance.FileTransfer;

namespace WanAccel.Cli.Copy;

/// <summary>What a copy shows while it runs: a bar per file, then its report or its error.</summary>
internal interface ICopyProgress
{
    void Start(CopyJob job);

    void Size(long bytes);

    void Advance(long done);

    void Done(CopyJob job, TransferReport? report, string? error);
}
