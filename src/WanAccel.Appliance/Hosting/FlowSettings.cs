using WanAccel.Appliance.Flows;
using WanAccel.Core.Codec;
using WanAccel.Core.Compression;

namespace WanAccel.Appliance.Hosting;

/// <summary>How flows are carried through the engine, as written in configuration.</summary>
public sealed record FlowSettings
{
    /// <summary><c>adaptive</c> (default: picked from the measured link), or a fixed <c>lz4</c>, <c>zstd:N</c>, <c>none</c>.</summary>
    public string Codec { get; init; } = "adaptive";

    /// <summary>How long a partial chunk waits for more bytes before it is sent anyway (default 2 ms).</summary>
    public TimeSpan FlushDelay { get; init; } = TimeSpan.FromMilliseconds(2);

    /// <summary>Unacknowledged input one flow may hold for resends, in bytes (default 64 MiB).</summary>
    public long WindowBytes { get; init; } = 64L << 20;

    /// <summary>Pass TLS, SSH, compressed and random-looking streams through without chunking or caching (default true).</summary>
    public bool PassthroughDetection { get; init; } = true;

    /// <summary>How long a new flow waits for the link to its peer to come up before the client is reset (default 10 s).</summary>
    public TimeSpan OpenTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public bool IsAdaptive => string.Equals(Codec.Trim(), "adaptive", StringComparison.OrdinalIgnoreCase);

    public IEnumerable<string> Validate()
    {
        if (!IsAdaptive && !CodecSpec.TryParse(Codec, out _))
        {
            yield return $"Flow.Codec must be adaptive, lz4, zstd, zstd:N (1–22) or none (is '{Codec}').";
        }

        if (FlushDelay < TimeSpan.Zero || FlushDelay > TimeSpan.FromSeconds(1))
        {
            yield return $"Flow.FlushDelay must be between 0 and 1 s (is {FlushDelay}).";
        }

        if (OpenTimeout <= TimeSpan.Zero)
        {
            yield return $"Flow.OpenTimeout must be positive (is {OpenTimeout}).";
        }

        if (WindowBytes < 8L << 20)
        {
            yield return $"Flow.WindowBytes must be at least 8 MiB (is {WindowBytes}).";
        }
    }

    public FlowOptions ToFlowOptions()
    {
        var policy = IsAdaptive || !CodecSpec.TryParse(Codec, out var fixedCodec)
            ? new CodecPolicyOptions()
            : new CodecPolicyOptions { Mode = CodecPolicyMode.Fixed, Fixed = fixedCodec };
        return new FlowOptions
        {
            Encoder = new StreamEncoderOptions { Codec = policy.Mode == CodecPolicyMode.Fixed ? policy.Fixed : CodecSpec.Lz4, WindowBytes = WindowBytes },
            CodecPolicy = policy,
            FlushDelay = FlushDelay,
            PassthroughDetection = PassthroughDetection,
        };
    }
}
