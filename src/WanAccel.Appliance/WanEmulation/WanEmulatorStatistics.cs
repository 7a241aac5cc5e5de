namespace WanAccel.Appliance.WanEmulation;

/// <summary>Counters of a running <see cref="WanEmulator"/>, taken at one moment.</summary>
public sealed record WanEmulatorStatistics
{
    /// <summary>Connections being relayed now.</summary>
    public int ActiveConnections { get; init; }

    /// <summary>Connections accepted since start.</summary>
    public long AcceptedConnections { get; init; }

    /// <summary>Connections reset because the target could not be reached.</summary>
    public long FailedConnections { get; init; }

    /// <summary>Connections ended by a reset or error on either side (the other side was reset too).</summary>
    public long AbortedConnections { get; init; }

    /// <summary>The client-to-target direction.</summary>
    public required WanLinkStatistics ClientToTarget { get; init; }

    /// <summary>The target-to-client direction.</summary>
    public required WanLinkStatistics TargetToClient { get; init; }
}
