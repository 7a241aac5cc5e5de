namespace WanAccel.Appliance.FileTransfer;

/// <summary>A transfer failed for a reason the other side is told about in an ERROR record.</summary>
public sealed class FileTransferException : Exception
{
    public FileTransferException(TransferStatus status, string message, Exception? inner = null)
        : base(message, inner) => Status = status;

    public FileTransferException()
        : this(TransferStatus.ProtocolError, "file transfer failed")
    {
    }

    public FileTransferException(string message)
        : this(TransferStatus.ProtocolError, message)
    {
    }

    public FileTransferException(string message, Exception inner)
        : this(TransferStatus.ProtocolError, message, inner)
    {
    }

    public TransferStatus Status { get; }
}
