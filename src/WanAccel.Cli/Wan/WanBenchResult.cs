namespace WanAccel.Cli.Wan;

/// <summary>Result of <c>wanaccel bench wan</c> and of the demo; serialised as the command's JSON.</summary>
internal sealed record WanBenchResult
{
    public required string Input { get; init; }

    public required long InputBytes { get; init; }

    /// <summary>tcp (plain file server and client) or http (curl and nginx through the HTTP proxy).</summary>
    public string Protocol { get; init; } = "tcp";

    public required string Rate { get; init; }

    public required string Rtt { get; init; }

    public string? Window { get; init; }

    public required string Codec { get; init; }

    public required NativeRun Native { get; init; }

    public required AcceleratedRun Cold { get; init; }

    public required AcceleratedRun Warm { get; init; }

    public double SpeedupCold => Native.Seconds / Cold.Seconds;

    public double SpeedupWarm => Native.Seconds / Warm.Seconds;

    /// <summary>True when every copy delivered the input's exact bytes (SHA-256).</summary>
    public bool Verified => Native.Verified is not false && Cold.Verified && Warm.Verified;
}

/// <summary>The copy over the emulated link without WanAccel: measured, or computed as size ÷ rate + one RTT.</summary>
internal sealed record NativeRun
{
    public required double Seconds { get; init; }

    public required bool Measured { get; init; }

    /// <summary>Null when computed.</summary>
    public bool? Verified { get; init; }
}

/// <summary>One copy through the pair.</summary>
internal sealed record AcceleratedRun
{
    public required double Seconds { get; init; }

    /// <summary>Bytes on the emulated peer link, both directions, TLS and framing included.</summary>
    public required long WanBytes { get; init; }

    /// <summary>Input bytes per WAN byte.</summary>
    public required double Reduction { get; init; }

    /// <summary>WAN bytes ÷ rate: the time the link alone needs for what was sent; compare with <see cref="Seconds"/>.</summary>
    public required double LinkSeconds { get; init; }

    public required bool Verified { get; init; }
}
