using WanAccel.Core.Fingerprints;

namespace WanAccel.Core.Codec;

/// <summary>A range of output the decoder could not build because <paramref name="Id"/> was missing.</summary>
public readonly record struct MissReport(long Offset, long Length, ChunkId Id);
