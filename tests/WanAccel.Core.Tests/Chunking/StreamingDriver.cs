using WanAccel.Core.Chunking;

namespace WanAccel.Core.Tests.Chunking;

/// <summary>Follows the caller protocol: keep unconsumed bytes, append the next read, call again; isFinal once all is read.</summary>
internal static class StreamingDriver
{
    public static List<Segment> Run(Segmenter segmenter, byte[] input, Func<int> nextReadSize, int batchSize)
    {
        var segments = new List<Segment>();
        var output = new Segment[batchSize];
        int start = 0;
        int end = 0;
        byte[] buffer = [];
        while (true)
        {
            bool isFinal = end == input.Length;

            // A fresh copy of exactly the unconsumed bytes: nothing past the buffer can be seen.
            if (buffer.Length != end - start)
            {
                buffer = input.AsSpan(start, end - start).ToArray();
            }

            int count = batchSize == 1 ? NextOne(segmenter, buffer, isFinal, output) : segmenter.NextBatch(buffer, isFinal, output);
            for (int i = 0; i < count; i++)
            {
                segments.Add(output[i]);
                start += output[i].Length;
            }

            if (count > 0)
            {
                buffer = input.AsSpan(start, end - start).ToArray();
                continue;
            }

            if (isFinal)
            {
                break;
            }

            end = Math.Min(input.Length, end + Math.Max(1, nextReadSize()));
        }

        Assert.Equal(input.Length, start);
        return segments;
    }

    public static List<Segment> WholeBuffer(Segmenter segmenter, byte[] input) => Run(segmenter, input, () => input.Length, 64);

    /// <summary>Adjacent zero segments joined: a zero run may be reported in pieces when it crosses a read boundary.</summary>
    public static List<Segment> MergeZeroRuns(List<Segment> segments)
    {
        var merged = new List<Segment>();
        foreach (var segment in segments)
        {
            if (segment.IsZero && merged.Count > 0 && merged[^1].IsZero)
            {
                merged[^1] = new Segment(merged[^1].Length + segment.Length, true);
            }
            else
            {
                merged.Add(segment);
            }
        }

        return merged;
    }

    private static int NextOne(Segmenter segmenter, byte[] buffer, bool isFinal, Segment[] output)
    {
        output[0] = segmenter.Next(buffer, isFinal);
        return output[0].Length == 0 ? 0 : 1;
    }
}
