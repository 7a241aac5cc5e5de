namespace WanAccel.Appliance.Interception;

/// <summary>One interception rule: where local clients connect, and where the far side takes their flows.</summary>
public sealed record InterceptionRuleOptions
{
    /// <summary>Unique name; labels the rule's metrics and log lines.</summary>
    public string Name { get; init; } = "";

    /// <summary>Address and port this appliance listens on, e.g. <c>127.0.0.1:14445</c> or <c>[::]:14445</c>.</summary>
    public string Listen { get; init; } = "";

    /// <summary>Peer that carries the rule's flows; may be omitted when exactly one peer is configured.</summary>
    public string? Peer { get; init; }

    /// <summary>Forward mode: <c>host:port</c> the far side connects to. Must be empty in transparent mode.</summary>
    public string? Destination { get; init; }

    /// <summary>Forward (default) or Transparent.</summary>
    public InterceptionMode Mode { get; init; } = InterceptionMode.Forward;

    /// <summary>Protocol label for metrics (<c>tcp</c> by default; e.g. <c>smb</c>, <c>nfs</c>, <c>http</c>, <c>rsync</c>).</summary>
    public string Protocol { get; init; } = "tcp";
}
