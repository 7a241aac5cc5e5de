using WanAccel.Core.Codec;

namespace WanAccel.Appliance.Flows;

/// <summary>How one flow is carried through the engine.</summary>
public sealed record FlowOptions
{
    public StreamEncoderOptions Encoder { get; init; } = new();

    public StreamDecoderOptions Decoder { get; init; } = new();

    /// <summary>
    /// How long a partial chunk waits for more bytes before it is cut and sent anyway (default 2 ms): bulk transfers
    /// keep content-defined boundaries, request/response protocols are not held back.
    /// </summary>
    public TimeSpan FlushDelay { get; init; } = TimeSpan.FromMilliseconds(2);
}
