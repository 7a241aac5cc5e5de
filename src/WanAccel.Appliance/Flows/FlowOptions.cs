using WanAccel.Core.Codec;
using WanAccel.Core.Compression;

namespace WanAccel.Appliance.Flows;

/// <summary>How one flow is carried through the engine.</summary>
public sealed record FlowOptions
{
    /// <summary>Encoder options; its <see cref="StreamEncoderOptions.Codec"/> is replaced by <see cref="CodecPolicy"/>'s choice.</summary>
    public StreamEncoderOptions Encoder { get; init; } = new();

    public StreamDecoderOptions Decoder { get; init; } = new();

    /// <summary>
    /// How long a partial chunk waits for more bytes before it is cut and sent anyway (default 2 ms): bulk transfers
    /// keep content-defined boundaries, request/response protocols are not held back.
    /// </summary>
    public TimeSpan FlushDelay { get; init; } = TimeSpan.FromMilliseconds(2);

    /// <summary>
    /// Classify each direction's first bytes (up to 64 KiB, or what came before a FlushDelay pause) and send TLS, SSH,
    /// compressed and random streams as Passthrough frames: no chunking, compression or cache space (default true).
    /// Turn off only towards a peer whose build predates Passthrough frames.
    /// </summary>
    public bool PassthroughDetection { get; init; } = true;

    /// <summary>
    /// How the literal codec is chosen (default adaptive: LZ4, stepping to zstd while the link is the bottleneck);
    /// <c>new CodecPolicyOptions { Mode = CodecPolicyMode.Fixed, Fixed = spec }</c> is the configuration override.
    /// </summary>
    public CodecPolicyOptions CodecPolicy { get; init; } = new();

    /// <summary>
    /// In file data a protocol parser finds, chunks also end at every file offset that is a multiple of this (default
    /// 64 KiB, the block size of <c>wanaccel cp</c>): a file block sent by SMB, NFS, HTTP or <c>wanaccel cp</c>, in
    /// messages of any size that is a multiple of it, becomes the same chunks.
    /// </summary>
    public int FileAnchorBytes { get; init; } = 64 * 1024;
}
