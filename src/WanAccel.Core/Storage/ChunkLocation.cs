namespace WanAccel.Core.Storage;

/// <summary>
/// Where a record lives, packed into the 8-byte value of an index entry (never 0, which marks an empty slot):
/// bits 48..63 segment number mod 2^16, bits 21..47 offset / 8 (records are 8-byte aligned, so 1 GiB segments),
/// bits 0..20 payload length + 1 (0..1 MiB).
/// </summary>
internal static class ChunkLocation
{
    public const int MaxSegmentBytes = 1 << 30;

    private const int LengthBits = 21;
    private const int OffsetBits = 27;
    private const ulong LengthMask = (1UL << LengthBits) - 1;
    private const ulong OffsetMask = (1UL << OffsetBits) - 1;

    public static ulong Pack(long segmentNumber, long offset, int length) =>
        ((ulong)(segmentNumber & 0xFFFF) << (LengthBits + OffsetBits))
        | (((ulong)offset >> 3) << LengthBits)
        | (uint)(length + 1);

    public static int SegmentTag(ulong location) => (int)(location >> (LengthBits + OffsetBits));

    public static long Offset(ulong location) => (long)((location >> LengthBits) & OffsetMask) << 3;

    public static int Length(ulong location) => (int)(location & LengthMask) - 1;
}
