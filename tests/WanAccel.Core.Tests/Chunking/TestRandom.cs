namespace WanAccel.Core.Tests.Chunking;

/// <summary>SplitMix64: a tiny generator whose output can never change, for pinned inputs (System.Random's may).</summary>
internal struct TestRandom(ulong seed)
{
    private ulong _state = seed;

    public ulong NextULong()
    {
        _state += 0x9E37_79B9_7F4A_7C15;
        ulong z = _state;
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EB;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform-ish in [min, max).</summary>
    public int Next(int min, int max) => min + (int)(NextULong() % (ulong)(max - min));

    public void Fill(Span<byte> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = (byte)NextULong();
        }
    }
}
