namespace WanAccel.Cli.Bench;

/// <summary>
/// One <c>wanaccel cp</c> in <c>bench cp</c>: time, bytes on the emulated WAN (both directions, TLS and framing
/// included), bytes read from the sender's disk, and the transfer's own figures; verified by SHA-256 (exact) or by the
/// guest-content check (skip-guest-free).
/// </summary>
internal sealed record CpRun
{
    public required double Seconds { get; init; }

    public required long WanBytes { get; init; }

    public required long DiskBytesRead { get; init; }

    public required long CacheBytes { get; init; }

    public required long BasisBytes { get; init; }

    public required long ZeroBytes { get; init; }

    public required long GuestFreeBytes { get; init; }

    public required double Reduction { get; init; }

    public required bool Verified { get; init; }
}
