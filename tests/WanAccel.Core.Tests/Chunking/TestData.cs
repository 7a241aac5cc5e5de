namespace WanAccel.Core.Tests.Chunking;

internal static class TestData
{
    public static byte[] Random(int length, ulong seed)
    {
        var data = new byte[length];
        new TestRandom(seed).Fill(data);
        return data;
    }

    /// <summary>
    /// Random bytes with zero stretches of every interesting length around <paramref name="minZeroRun"/>:
    /// short ones, exactly MinZeroRun − 1 and MinZeroRun, and long ones, plus random bytes made sparse (many single zeros).
    /// </summary>
    public static byte[] WithZeroRuns(int length, ulong seed, int minZeroRun)
    {
        var rng = new TestRandom(seed);
        var data = new byte[length];
        rng.Fill(data);
        int stretches = rng.Next(0, Math.Max(2, length / (4 * minZeroRun) + 2));
        for (int s = 0; s < stretches; s++)
        {
            int runLength = rng.Next(0, 6) switch
            {
                0 => rng.Next(1, minZeroRun),
                1 => minZeroRun - 1,
                2 => minZeroRun,
                3 => minZeroRun + 1,
                _ => rng.Next(minZeroRun, 4 * minZeroRun),
            };
            int start = rng.Next(0, length);
            data.AsSpan(start, Math.Min(runLength, length - start)).Clear();
        }

        if (rng.Next(0, 4) == 0)
        {
            // Low-entropy stretch: about one byte in four is zero, so zero words and short runs are common.
            int start = rng.Next(0, length);
            for (int i = start; i < Math.Min(length, start + 8 * minZeroRun); i++)
            {
                if (rng.Next(0, 4) == 0)
                {
                    data[i] = 0;
                }
            }
        }

        return data;
    }
}
