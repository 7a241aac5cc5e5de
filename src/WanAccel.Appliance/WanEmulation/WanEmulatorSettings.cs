namespace WanAccel.Appliance.WanEmulation;

/// <summary>
/// The emulator's settings as text, as typed on the command line or bound from configuration
/// (<c>"Rate": "10mbit"</c>, <c>"Rtt": "140ms"</c>, <c>"Window": "64k"</c>). See <see cref="WanUnits"/> for the grammar.
/// </summary>
public sealed record WanEmulatorSettings
{
    /// <summary>Listen endpoint (<c>host:port</c> or a port on 127.0.0.1). Default <c>127.0.0.1:0</c>.</summary>
    public string Listen { get; init; } = "127.0.0.1:0";

    /// <summary>Target endpoint. Required.</summary>
    public string? Target { get; init; }

    /// <summary>Rate per direction, e.g. <c>10mbit</c>; default <c>unlimited</c>.</summary>
    public string Rate { get; init; } = "unlimited";

    /// <summary>Round-trip time, e.g. <c>140ms</c>; default <c>0ms</c>.</summary>
    public string Rtt { get; init; } = "0ms";

    /// <summary>Segment loss probability, e.g. <c>0.01</c> or <c>1%</c>; default 0.</summary>
    public string Loss { get; init; } = "0";

    /// <summary>Per-connection in-flight limit, e.g. <c>64k</c>; null = none.</summary>
    public string? Window { get; init; }

    /// <summary>Queue bound per direction, e.g. <c>4m</c>; null = max(BDP, 1 MiB).</summary>
    public string? Queue { get; init; }

    /// <summary>Seed of the loss generator; null = random.</summary>
    public int? Seed { get; init; }

    /// <summary>Parses and validates; returns the options, or null and every error found.</summary>
    public (WanEmulatorOptions? Options, IReadOnlyList<string> Errors) ToOptions()
    {
        var errors = new List<string>();
        _ = WanUnits.TryParseEndPoint(Listen, out var listen, out var e1);
        if (listen is not null and not System.Net.IPEndPoint)
        {
            e1 = $"'{Listen}' is not an IP endpoint: listening needs an address, not a host name";
            listen = null;
        }

        var target = default(System.Net.EndPoint);
        if (Target is null)
        {
            errors.Add("target: required, as host:port");
        }
        else
        {
            _ = WanUnits.TryParseEndPoint(Target, out target, out var e);
            Add(errors, "target", e);
        }

        _ = WanUnits.TryParseRate(Rate, out var rate, out var e2);
        _ = WanUnits.TryParseDuration(Rtt, out var rtt, out var e3);
        _ = WanUnits.TryParseProbability(Loss, out var loss, out var e4);
        long window = 0, queue = 0;
        string? e5 = null, e6 = null;
        if (Window is not null)
        {
            _ = WanUnits.TryParseSize(Window, out window, out e5);
        }

        if (Queue is not null)
        {
            _ = WanUnits.TryParseSize(Queue, out queue, out e6);
        }

        Add(errors, "listen", e1);
        Add(errors, "rate", e2);
        Add(errors, "rtt", e3);
        Add(errors, "loss", e4);
        Add(errors, "window", e5);
        Add(errors, "queue", e6);

        var options = new WanEmulatorOptions
        {
            ListenEndPoint = (listen as System.Net.IPEndPoint)!,
            TargetEndPoint = target,
            RateBitsPerSecond = rate,
            Rtt = rtt,
            LossProbability = loss,
            WindowBytes = window,
            QueueBytes = queue,
            Seed = Seed,
        };

        // Parse failures already explain themselves; only add range/consistency errors for fields that parsed.
        foreach (var e in options.Validate())
        {
            if ((listen is null && e.StartsWith("listen", StringComparison.Ordinal))
                || (target is null && e.StartsWith("target", StringComparison.Ordinal)))
            {
                continue;
            }

            errors.Add(e);
        }

        return errors.Count == 0 ? (options, errors) : (null, errors);
    }

    private static void Add(List<string> errors, string field, string? error)
    {
        if (error is not null)
        {
            errors.Add($"{field}: {error}");
        }
    }
}
