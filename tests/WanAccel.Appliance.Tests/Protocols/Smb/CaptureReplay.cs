using WanAccel.Appliance.Protocols;
using WanAccel.Appliance.Protocols.Smb;

namespace WanAccel.Appliance.Tests.Protocols.Smb;

/// <summary>Feeds a capture to a fresh <see cref="Smb2Parser"/> in arrival order: as recorded, or cut at random points.</summary>
internal static class CaptureReplay
{
    /// <summary>Each recorded chunk as one Feed of one segment.</summary>
    public static RecordingEvents Replay(ConnectionCapture capture) => Replay(capture.Chunks.Select(c => (c.Direction, capture.Bytes(c))), null);

    /// <summary>
    /// The same bytes in the same order, but runs of chunks of one direction merged and cut again at random points, each
    /// Feed made of one to three segments.
    /// </summary>
    public static RecordingEvents ReplaySplit(ConnectionCapture capture, int seed) =>
        Replay(capture.Chunks.Select(c => (c.Direction, capture.Bytes(c))), new Random(seed));

    /// <summary>Feeds <paramref name="pieces"/> in order; with <paramref name="random"/>, recut as <see cref="ReplaySplit"/> does.</summary>
    public static RecordingEvents Replay(IEnumerable<(StreamDirection Direction, ReadOnlyMemory<byte> Bytes)> pieces, Random? random)
    {
        var events = new RecordingEvents();
        var parser = new Smb2Parser(events);
        Assert.Equal("smb", parser.Protocol);
        foreach (var (direction, bytes) in random is null ? pieces : Recut(pieces, random))
        {
            if (random is null)
            {
                parser.Feed(direction, new System.Buffers.ReadOnlySequence<byte>(bytes));
                continue;
            }

            var cuts = random.Next(3);
            var parts = new List<ReadOnlyMemory<byte>>();
            var rest = bytes;
            for (var i = 0; i < cuts && rest.Length > 0; i++)
            {
                var take = random.Next(rest.Length + 1);
                parts.Add(rest[..take]);
                rest = rest[take..];
            }

            parts.Add(rest);
            parser.Feed(direction, Segments.Sequence(parts));
        }

        events.AssertWellFormed();
        Assert.Equal(events.Events.LastOrDefault() is ParserEvent.Stopped or ParserEvent.Encrypted, parser.Stopped);
        return events;
    }

    private static IEnumerable<(StreamDirection, ReadOnlyMemory<byte>)> Recut(IEnumerable<(StreamDirection Direction, ReadOnlyMemory<byte> Bytes)> pieces, Random random)
    {
        // Merging neighbours of one direction keeps the order of the two directions (a response never moves ahead of
        // its request); cutting at random points, often tiny, crosses every field boundary sooner or later.
        var runs = new List<(StreamDirection Direction, MemoryStream Bytes)>();
        foreach (var (direction, bytes) in pieces)
        {
            if (runs.Count == 0 || runs[^1].Direction != direction)
            {
                runs.Add((direction, new MemoryStream()));
            }

            runs[^1].Bytes.Write(bytes.Span);
        }

        foreach (var (direction, stream) in runs)
        {
            var merged = stream.GetBuffer().AsMemory(0, (int)stream.Length);
            for (var at = 0; at < merged.Length;)
            {
                var take = Math.Min(merged.Length - at, random.Next(4) == 0 ? random.Next(1, 8) : random.Next(1, 4096));
                yield return (direction, merged.Slice(at, take));
                at += take;
            }
        }
    }
}
