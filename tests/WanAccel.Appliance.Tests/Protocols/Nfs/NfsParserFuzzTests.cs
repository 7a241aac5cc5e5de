using WanAccel.Appliance.Protocols;

namespace WanAccel.Appliance.Tests.Protocols.Nfs;

/// <summary>Mutated conversations and garbage, fed in random pieces: the parser never throws (seeded, a few thousand cases, well under a second).</summary>
public sealed class NfsParserFuzzTests
{
    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public void MutatedConversations_NeverThrow(int seed)
    {
        var random = new Random(seed);
        var (callRecords, replyRecords) = NfsParserTests.Conversation();
        byte[] calls = [.. callRecords.SelectMany(c => c)], replies = [.. replyRecords.SelectMany(r => r)];
        var stops = 0;
        for (var i = 0; i < 1000; i++)
        {
            var (parser, events) = NfsParserTests.New();
            FeedInPieces(parser, StreamDirection.ToServer, Mutate(calls, random), random);
            FeedInPieces(parser, StreamDirection.ToClient, Mutate(replies, random), random);
            Assert.True(events.Stops.Count() <= 1);
            stops += events.Stops.Count();
        }

        // The mutations reach both outcomes: some streams are still followed, some stop the parser.
        Assert.InRange(stops, 1, 999);
    }

    [Theory]
    [InlineData(21)]
    [InlineData(22)]
    public void Garbage_WithAndWithoutPlausibleRecordMarks_NeverThrows(int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < 1000; i++)
        {
            var (parser, events) = NfsParserTests.New();
            var garbage = new byte[random.Next(0, 4000)];
            random.NextBytes(garbage);
            if (i % 2 == 0 && garbage.Length > 12)
            {
                // A record mark of a plausible length and an RPC-looking start make the parser look deeper.
                RpcMessages.Record(garbage.AsSpan(4).ToArray(), random.Next(1, 400)).AsSpan(0, garbage.Length).CopyTo(garbage);
                garbage[11] = (byte)(i % 4 == 0 ? 0 : 1);
            }

            FeedInPieces(parser, i % 3 == 0 ? StreamDirection.ToClient : StreamDirection.ToServer, garbage, random);
            Assert.True(events.Stops.Count() <= 1);
        }
    }

    private static byte[] Mutate(byte[] input, Random random)
    {
        var bytes = input.ToList();
        for (var m = random.Next(1, 6); m > 0 && bytes.Count > 0; m--)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(4))
            {
                case 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 2:
                    bytes.RemoveRange(at, Math.Min(random.Next(1, 64), bytes.Count - at));
                    break;
                default:
                    bytes.InsertRange(at, Enumerable.Range(0, random.Next(1, 16)).Select(_ => (byte)random.Next(256)));
                    break;
            }
        }

        return [.. bytes];
    }

    private static void FeedInPieces(Appliance.Protocols.Nfs.NfsParser parser, StreamDirection direction, byte[] bytes, Random random)
    {
        for (var at = 0; at < bytes.Length;)
        {
            var n = Math.Min(bytes.Length - at, random.Next(1, 2000));
            NfsParserTests.Split(parser, direction, bytes.AsMemory(at, n), random);
            at += n;
        }
    }
}
