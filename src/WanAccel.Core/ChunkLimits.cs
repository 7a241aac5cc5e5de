namespace WanAccel.Core;

/// <summary>Hard limits every component agrees on; wire and disk input beyond them is rejected as malformed.</summary>
public static class ChunkLimits
{
    /// <summary>Largest chunk (data or manifest) anywhere: 1 MiB. Bounds every buffer a peer can make us allocate.</summary>
    public const int MaxChunkSize = 1 << 20;
}
