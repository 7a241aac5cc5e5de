namespace WanAccel.Core.Compression;

/// <summary>One step of the adaptive codec ladder: a codec and how fast it compresses on one core, in input bytes per second.</summary>
public readonly record struct CodecRung(CodecSpec Codec, double BytesPerSecondPerCore);
