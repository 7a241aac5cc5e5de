namespace WanAccel.Core.Chunking;

/// <summary>
/// The 256 random 64-bit constants of the Gear rolling hash (FastCDC, Xia et al., USENIX ATC'16 §3.1).
/// Part of the wire contract: both peers must cut identically forever, so the seed and the generator
/// (SplitMix64, Steele et al. 2014) must never change. Pinned by <c>GearTableTests</c>.
/// </summary>
internal static class GearTable
{
    /// <summary>SplitMix64 seed: "WANAccel" in ASCII.</summary>
    public const ulong Seed = 0x5741_4E41_6363_656C;

    /// <summary>Gear[b]: added to the hash for input byte b.</summary>
    public static readonly ulong[] Values = Generate(Seed);

    /// <summary>Gear[b] &lt;&lt; 1, for rolling two bytes per iteration (FastCDC 2020, TPDS §3.4).</summary>
    public static readonly ulong[] ShiftedValues = Array.ConvertAll(Values, v => v << 1);

    public static ulong[] Generate(ulong seed)
    {
        var table = new ulong[256];
        ulong state = seed;
        for (int i = 0; i < table.Length; i++)
        {
            state += 0x9E37_79B9_7F4A_7C15;
            ulong z = state;
            z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9;
            z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EB;
            table[i] = z ^ (z >> 31);
        }

        return table;
    }

    /// <summary>
    /// A mask of <paramref name="bits"/> ones ending at bit 62. A cut happens where (hash &amp; mask) == 0,
    /// probability 2^-bits per byte on random input. High bits because bit k of a Gear hash depends only on
    /// the last k+1 bytes (ATC'16 §3.2 pads its masks for the same reason); bit 63 stays clear so the
    /// shifted two-bytes-per-iteration check (mask &lt;&lt; 1) loses nothing.
    /// </summary>
    public static ulong Mask(int bits) => ((1UL << bits) - 1) << (63 - bits);
}
