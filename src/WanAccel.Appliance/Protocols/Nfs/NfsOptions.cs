namespace WanAccel.Appliance.Protocols.Nfs;

/// <summary>NFSv3 acceleration for rules with <c>Protocol: "nfs"</c> (section <c>Nfs</c>).</summary>
public sealed record NfsOptions
{
    /// <summary>
    /// Read ahead of sequential READs (default true). Both appliances must allow it: the edge offers it when it opens
    /// the flow, the core reads ahead only when offered and allowed here.
    /// </summary>
    public bool ReadAhead { get; init; } = true;

    /// <summary>How far ahead of the client the core reads, and how much the edge keeps for it, per connection, in bytes (default 8 MiB).</summary>
    public long ReadAheadBytes { get; init; } = 8L << 20;

    public IEnumerable<string> Validate()
    {
        if (ReadAheadBytes is < 1L << 20 or > 256L << 20)
        {
            yield return $"Nfs.ReadAheadBytes must be between 1 MiB and 256 MiB (is {ReadAheadBytes}).";
        }
    }
}
