namespace WanAccel.Appliance.FileTransfer.Protocol;

/// <summary>What a REQUEST asks of the file server.</summary>
public enum TransferOp : byte
{
    /// <summary>Receive a file into the export (the client sends).</summary>
    Put = 1,

    /// <summary>Send a file from the export (the server sends).</summary>
    Get = 2,

    /// <summary>Describe a path: one FILE record (size, mtime, mode, directory or not).</summary>
    Stat = 3,

    /// <summary>Every file below a directory, recursively: ENTRY records, then LIST_END.</summary>
    List = 4,
}
