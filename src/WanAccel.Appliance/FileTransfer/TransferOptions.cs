using WanAccel.Appliance.FileTransfer.Protocol;

namespace WanAccel.Appliance.FileTransfer;

/// <summary>How <see cref="FileTransferClient"/> copies one file.</summary>
public sealed record TransferOptions
{
    public SendPolicy Policy { get; init; } = SendPolicy.Exact;

    /// <summary>Continue from the partial file of an interrupted copy (default true); false starts over.</summary>
    public bool Resume { get; init; } = true;

    /// <summary>Keep modification time and mode (<c>-p</c>).</summary>
    public bool Preserve { get; init; }

    /// <summary>Create missing parent directories at the target (recursive copies).</summary>
    public bool MakeParents { get; init; }

    internal TransferFlags Flags =>
        (Resume ? TransferFlags.Resume : 0) | (Preserve ? TransferFlags.Preserve : 0) | (MakeParents ? TransferFlags.MakeParents : 0);
}
