namespace WanAccel.Core.Chunking;

/// <summary>One piece of a stream cut by <see cref="Segmenter"/>: a data chunk to hash, or a run of zero bytes (never hashed).</summary>
/// <param name="Length">Bytes covered; 0 only in the "need more data" result.</param>
/// <param name="IsZero">True when every byte is zero.</param>
public readonly record struct Segment(int Length, bool IsZero);
