using WanAccel.Appliance.Protocols;
using WanAccel.Appliance.Tests.EndToEnd;
using WanAccel.Appliance.Tests.Hosting;

namespace WanAccel.Appliance.Tests.Protocols.Smb;

/// <summary>
/// Hostile input: mutated sessions (hand-built and real) and random bytes. Whatever comes, Feed never throws (nor hits
/// its internal-error guard), stops at most once and reports nothing after, and allocates a bounded amount — never in
/// proportion to the lengths the input claims (up to 16 MiB a frame).
/// </summary>
public sealed class Smb2ParserFuzzTests
{
    /// <summary>Allocation allowed for a whole case (parser, tables, names, the events of a few hundred messages).</summary>
    private const long MaxCaseAllocation = 2 << 20;

    [Fact]
    public void Feed_MutatedSyntheticSessions_NeverThrowsStopsOnceAllocatesLittle()
    {
        var outcome = Fuzz(SyntheticConversation.Build(signed: true), cases: 4000, seed: 1);

        // The mutations must reach the parser's decisions, not only payload bytes.
        Assert.True(outcome.Stopped > 1000, $"only {outcome.Stopped} of 4000 mutated sessions stopped the parser");
    }

    [ToolFact("smbd", "smbclient")]
    public async Task Feed_MutatedRealSessions_NeverThrowsStopsOnceAllocatesLittle()
    {
        var capture = await RealConnectionCapture.PutAndGetAsync(TestPayload.Create(1 << 20, seed: 41), "mandatory", encrypt: false);

        var outcome = Fuzz(capture, cases: 2000, seed: 2);

        Assert.True(outcome.Stopped > 500, $"only {outcome.Stopped} of 2000 mutated sessions stopped the parser");
    }

    [Fact]
    public void Feed_RandomBytes_StopsExactlyOnceAllocatesLittle()
    {
        var random = new Random(3);
        var session = SyntheticConversation.Build();
        var opening = session.Chunks.Take(8).ToList(); // through TREE_CONNECT
        for (var i = 0; i < 2000; i++)
        {
            var pieces = new List<(StreamDirection, ReadOnlyMemory<byte>)>();
            var kind = i % 3;
            if (kind == 1)
            {
                pieces.AddRange(opening.Select(c => (c.Direction, session.Bytes(c))));
            }

            for (var n = random.Next(1, 6); n > 0; n--)
            {
                var garbage = new byte[random.Next(8, 20_000)];
                random.NextBytes(garbage);
                if (kind == 2)
                {
                    // A plausible frame and SMB2 protocol id, then noise.
                    garbage[0] = 0;
                    ((byte[])[0xFE, (byte)'S', (byte)'M', (byte)'B']).CopyTo(garbage, 4);
                }

                pieces.Add((random.Next(2) == 0 ? StreamDirection.ToServer : StreamDirection.ToClient, garbage));
            }

            var before = GC.GetAllocatedBytesForCurrentThread();
            var events = CaptureReplay.Replay(pieces, random: null);
            Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, MaxCaseAllocation);
            if (kind == 0 && pieces[0].Item2.Span[0] != 0)
            {
                Assert.IsType<ParserEvent.Stopped>(Assert.Single(events.Events));
            }
        }
    }

    /// <summary>Feeds <paramref name="cases"/> mutations of <paramref name="capture"/>; every tenth is also cut at random points.</summary>
    private static (int Stopped, int Events) Fuzz(ConnectionCapture capture, int cases, int seed)
    {
        var random = new Random(seed);
        var mutator = new CaptureMutator(capture);
        var stopped = 0;
        var events = 0;
        for (var i = 0; i < cases; i++)
        {
            var pieces = mutator.Mutate(random);
            var before = GC.GetAllocatedBytesForCurrentThread();
            var recorded = CaptureReplay.Replay(pieces, random: null);
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated <= MaxCaseAllocation, $"case {i}: {allocated} B allocated");
            if (i % 10 == 0)
            {
                Assert.Equal(recorded.Events, CaptureReplay.Replay(pieces, new Random(i)).Events);
            }

            stopped += recorded.Stops.Any() ? 1 : 0;
            events += recorded.Events.Count;
        }

        return (stopped, events);
    }
}
