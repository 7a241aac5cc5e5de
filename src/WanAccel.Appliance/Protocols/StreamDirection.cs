namespace WanAccel.Appliance.Protocols;

/// <summary>Which way bytes travel on an intercepted connection.</summary>
internal enum StreamDirection
{
    /// <summary>From the client (the side that connected) to the server.</summary>
    ToServer,

    /// <summary>From the server back to the client.</summary>
    ToClient,
}
