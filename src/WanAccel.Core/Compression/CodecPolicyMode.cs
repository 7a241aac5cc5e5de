namespace WanAccel.Core.Compression;

/// <summary>How a flow picks the codec for its literals.</summary>
public enum CodecPolicyMode
{
    /// <summary>Steps along <see cref="CodecPolicyOptions.Ladder"/> as the link or the CPU becomes the bottleneck.</summary>
    Adaptive,

    /// <summary>Always <see cref="CodecPolicyOptions.Fixed"/> (the configuration override).</summary>
    Fixed,
}
