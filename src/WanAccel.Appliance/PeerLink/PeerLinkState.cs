namespace WanAccel.Appliance.PeerLink;

/// <summary>State of the link to one peer as seen by a <see cref="PeerConnector"/>.</summary>
public enum PeerLinkState
{
    /// <summary>No connection is up and none is being attempted (back-off, or not started / stopped).</summary>
    Down = 0,

    /// <summary>No connection is up; at least one attempt is in progress.</summary>
    Connecting = 1,

    /// <summary>At least one authenticated connection is up; channels open without round trips.</summary>
    Up = 2,
}
