namespace WanAccel.Appliance.Protocols.Smb;

/// <summary>
/// A request waiting for its response, keyed by MessageId: what the response needs to be understood. A struct in the
/// pending table, so a request costs no allocation beyond the name a CREATE or TREE_CONNECT carries.
/// </summary>
/// <param name="Command">The request's command; its response must have the same.</param>
/// <param name="SessionId">The session (TREE_DISCONNECT forgets its tree).</param>
/// <param name="TreeId">The tree (TREE_DISCONNECT).</param>
internal readonly record struct PendingRequest(Smb2Command Command, ulong SessionId, uint TreeId)
{
    /// <summary>READ, CLOSE: the file, or <see cref="Smb2Header.RelatedFileId"/> for "the file of <see cref="ChainCreate"/>".</summary>
    public UInt128 FileId { get; init; }

    /// <summary>The MessageId of the CREATE earlier in this request's compound chain, whose FileId a related request uses.</summary>
    public ulong? ChainCreate { get; init; }

    /// <summary>READ: the file offset asked for.</summary>
    public long FileOffset { get; init; }

    /// <summary>READ: the most bytes the response may carry.</summary>
    public uint Length { get; init; }

    /// <summary>CREATE: the full name (<c>\\server\share\dir\file</c>); TREE_CONNECT: the share path.</summary>
    public string? Name { get; init; }
}
