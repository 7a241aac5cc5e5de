using System.Buffers;
using System.Text;
using WanAccel.Appliance.Protocols;
using WanAccel.Appliance.Protocols.Http;

namespace WanAccel.Appliance.Tests.Protocols.Http;

public sealed class Http1ParserTests
{
    private static readonly byte[] File1 = Bytes(300_000, 1);
    private static readonly byte[] File2 = Bytes(70_000, 2);

    [Fact]
    public void PutWithLength_ThenGetRangeAndChunkedGet_FileDataIsExactlyTheFileBytes()
    {
        var (toServer, toClient, exchanges) = Conversation();
        var events = new RecordingEvents();
        var parser = new Http1Parser(events);

        FeedInterleaved(parser, toServer, toClient, exchanges, split: int.MaxValue);

        Assert.Empty(events.Stops);
        AssertFileData(events, toServer, toClient);
        Assert.Contains(events.Events, e => e is ParserEvent.Opened { Name: "origin.test/up/disk.img" });
        var written = events.Data.Where(d => d.Kind == FileDataKind.Write).Sum(d => (long)d.Length);
        var read = events.Data.Where(d => d.Kind == FileDataKind.Read).Sum(d => (long)d.Length);
        Assert.Equal(File1.Length + File2.Length, written);        // PUT + chunked PUT
        Assert.Equal(1000 + File1.Length + File2.Length, read);     // Range, chunked GET, close-delimited GET
    }

    [Fact]
    public void RandomSplits_GiveTheSameEvents()
    {
        var (toServer, toClient, all) = Conversation();
        var exchanges = all[..^1]; // the last body ends with the connection: it is announced as it arrives
        var whole = new RecordingEvents();
        FeedInterleaved(new Http1Parser(whole), toServer, toClient, exchanges, split: int.MaxValue);
        var random = new Random(5);
        for (var i = 0; i < 20; i++)
        {
            var pieces = new RecordingEvents();
            FeedInterleaved(new Http1Parser(pieces), toServer, toClient, exchanges, split: random.Next(1, 5000), random);
            Assert.Equal(whole.Events, pieces.Events);
        }
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n")]
    [InlineData("PUT /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")]
    [InlineData("PUT /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcXY")]
    [InlineData("CONNECT host:443 HTTP/1.1\r\n\r\n")]
    [InlineData("\u0016\u0003\u0001 not http at all\r\n\r\n")]
    public void Malformed_StopsOnceAndReportsNothingMore(string request)
    {
        var events = new RecordingEvents();
        var parser = new Http1Parser(events);

        parser.Feed(StreamDirection.ToServer, new ReadOnlySequence<byte>(Encoding.Latin1.GetBytes(request)));
        parser.Feed(StreamDirection.ToServer, new ReadOnlySequence<byte>("PUT /y HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"u8.ToArray()));

        Assert.True(parser.Stopped);
        Assert.Single(events.Stops);
        events.AssertWellFormed();
        Assert.DoesNotContain(events.Events, e => e is ParserEvent.Opened o && o.Name.Contains("/y", StringComparison.Ordinal));
    }

    [Fact]
    public void HugeHeadOrChunkLine_Stops()
    {
        var events = new RecordingEvents();
        var parser = new Http1Parser(events);
        var head = Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nX: " + new string('a', Http1Parser.MaxHead) + "\r\n\r\n");

        parser.Feed(StreamDirection.ToServer, new ReadOnlySequence<byte>(head));

        Assert.True(parser.Stopped);
    }

    [Fact]
    public void Fuzz_MutatedConversations_NeverThrow()
    {
        var (toServer, toClient, exchanges) = Conversation();
        var random = new Random(9);
        for (var i = 0; i < 400; i++)
        {
            var server = Mutate(toServer, random);
            var client = Mutate(toClient, random);
            var events = new RecordingEvents();
            FeedInterleaved(new Http1Parser(events), server, client, [(server.Length, client.Length)], split: random.Next(1, 70_000), random);
            events.AssertWellFormed();
        }
    }

    private static byte[] Mutate(byte[] data, Random random)
    {
        var copy = (byte[])data.Clone();
        for (var n = random.Next(1, 8); n > 0; n--)
        {
            copy[random.Next(Math.Min(copy.Length, 2000))] = (byte)random.Next(256);
        }

        return random.Next(4) == 0 ? copy[..random.Next(copy.Length)] : copy;
    }

    /// <summary>For every data event, the stream's bytes there are the file's bytes at that file offset.</summary>
    private static void AssertFileData(RecordingEvents events, byte[] toServer, byte[] toClient)
    {
        var names = events.Events.OfType<ParserEvent.Opened>().DistinctBy(o => o.File).ToDictionary(o => o.File, o => o.Name);
        foreach (var data in events.Data)
        {
            var stream = data.Direction == StreamDirection.ToServer ? toServer : toClient;
            var file = names[data.File].EndsWith("small.bin", StringComparison.Ordinal) ? File2 : File1;
            var length = (int)Math.Min(data.Length, stream.Length - data.StreamOffset);
            Assert.True(stream.AsSpan((int)data.StreamOffset, length).SequenceEqual(file.AsSpan((int)data.FileOffset, length)),
                $"{data.Direction} at {data.StreamOffset} is not file bytes at {data.FileOffset}");
        }
    }

    /// <summary>Six exchanges; each is (request bytes, response bytes) and requests precede their responses.</summary>
    private static (byte[] ToServer, byte[] ToClient, List<(int Request, int Response)> Exchanges) Conversation()
    {
        var exchanges = new List<(byte[] Request, byte[] Response)>
        {
            (Concat($"PUT /up/disk.img HTTP/1.1\r\nHost: origin.test\r\nContent-Length: {File1.Length}\r\nExpect: 100-continue\r\n\r\n", File1),
                Concat("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n")),
            (Concat("PUT /up/small.bin HTTP/1.1\r\nHost: origin.test\r\nTransfer-Encoding: chunked\r\n\r\n", Chunked(File2, 16_384), "\r\n"u8.ToArray()),
                Concat("HTTP/1.1 204 No Content\r\n\r\n")),
            (Concat("HEAD /up/disk.img HTTP/1.1\r\nHost: origin.test\r\n\r\n"),
                Concat($"HTTP/1.1 200 OK\r\nContent-Length: {File1.Length}\r\n\r\n")),
            (Concat("GET /up/disk.img HTTP/1.1\r\nHost: origin.test\r\nRange: bytes=5000-5999\r\n\r\n"),
                Concat($"HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 5000-5999/{File1.Length}\r\nContent-Length: 1000\r\n\r\n", File1[5000..6000])),
            (Concat("GET /up/disk.img HTTP/1.1\r\nHost: origin.test\r\n\r\n"),
                Concat("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", Chunked(File1, 65_536), "X-Trailer: 1\r\n\r\n"u8.ToArray())),
            (Concat("GET /up/small.bin HTTP/1.0\r\nHost: origin.test\r\n\r\n"),
                Concat("HTTP/1.0 200 OK\r\n\r\n", File2)),
        };
        return (exchanges.SelectMany(e => e.Request).ToArray(), exchanges.SelectMany(e => e.Response).ToArray(),
            exchanges.Select(e => (e.Request.Length, e.Response.Length)).ToList());
    }

    /// <summary>Feeds each exchange's request, then its response, in pieces of at most <paramref name="split"/> bytes (random sizes with <paramref name="random"/>).</summary>
    private static void FeedInterleaved(Http1Parser parser, byte[] toServer, byte[] toClient, List<(int Request, int Response)> exchanges, int split, Random? random = null)
    {
        int s = 0, c = 0;
        foreach (var (request, response) in exchanges)
        {
            Feed(parser, StreamDirection.ToServer, toServer.AsMemory(s, Math.Min(request, toServer.Length - s)), split, random);
            Feed(parser, StreamDirection.ToClient, toClient.AsMemory(c, Math.Min(response, toClient.Length - c)), split, random);
            s += request;
            c += response;
        }
    }

    private static void Feed(Http1Parser parser, StreamDirection direction, ReadOnlyMemory<byte> bytes, int split, Random? random)
    {
        while (!bytes.IsEmpty)
        {
            var n = Math.Min(bytes.Length, random is null ? split : random.Next(1, split + 1));
            parser.Feed(direction, new ReadOnlySequence<byte>(bytes[..n]));
            bytes = bytes[n..];
        }
    }

    private static byte[] Chunked(byte[] data, int size)
    {
        var stream = new MemoryStream();
        for (var at = 0; at < data.Length; at += size)
        {
            var n = Math.Min(size, data.Length - at);
            stream.Write(Encoding.ASCII.GetBytes($"{n:x}\r\n"));
            stream.Write(data, at, n);
            stream.Write("\r\n"u8);
        }

        stream.Write("0\r\n"u8);
        return stream.ToArray();
    }

    private static byte[] Concat(string head, params byte[][] bodies) => [.. Encoding.ASCII.GetBytes(head), .. bodies.SelectMany(b => b)];

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
