namespace WanAccel.Appliance.FileTransfer.Protocol;

/// <summary>Options of a REQUEST.</summary>
[Flags]
public enum TransferFlags : byte
{
    None = 0,

    /// <summary>Use a partial file left by an interrupted copy as the basis (resume); without it a partial is discarded.</summary>
    Resume = 1,

    /// <summary>Give the written file the sender's modification time and mode.</summary>
    Preserve = 2,

    /// <summary>Create missing parent directories of the target (recursive push).</summary>
    MakeParents = 4,

    /// <summary>
    /// PUT without a basis: the server sends no BASIS records and the client streams at once, so small files can be
    /// pipelined (their RESULTs read later) instead of costing a round trip each.
    /// </summary>
    NoBasis = 8,
}
