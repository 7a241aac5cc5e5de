using System.Numerics;
using WanAccel.Core.Chunking;

namespace WanAccel.Core.Tests.Chunking;

/// <summary>
/// The segmentation rules written as plainly as possible (one byte at a time, whole stream in memory),
/// to check the optimised <see cref="Segmenter"/> against. Zero runs are never split here.
/// </summary>
internal static class ReferenceSegmenter
{
    public static List<Segment> Segment(byte[] data, ChunkerOptions options)
    {
        int n = data.Length;
        var zerosAhead = new int[n + 1];
        for (int i = n - 1; i >= 0; i--)
        {
            zerosAhead[i] = data[i] == 0 ? zerosAhead[i + 1] + 1 : 0;
        }

        int bits = BitOperations.Log2((uint)options.AverageSize);
        ulong maskS = ((1UL << (bits + 2)) - 1) << (63 - (bits + 2));
        ulong maskL = ((1UL << (bits - 2)) - 1) << (63 - (bits - 2));
        var gear = GearTable.Generate(GearTable.Seed);

        var segments = new List<Segment>();
        int p = 0;
        while (p < n)
        {
            if (zerosAhead[p] >= options.MinZeroRun)
            {
                segments.Add(new Segment(zerosAhead[p], true));
                p += zerosAhead[p];
                continue;
            }

            int length = Math.Min(n - p, options.MaxSize);
            int cut = length;
            ulong hash = 0;
            for (int i = options.MinSize; i < length; i++)
            {
                hash = (hash << 1) + gear[data[p + i]];
                if ((hash & (i < options.AverageSize ? maskS : maskL)) == 0)
                {
                    cut = i + 1;
                    break;
                }
            }

            for (int q = 1; q < cut; q++)
            {
                if (zerosAhead[p + q] >= options.MinZeroRun)
                {
                    cut = q;
                    break;
                }
            }

            segments.Add(new Segment(cut, false));
            p += cut;
        }

        return segments;
    }
}
