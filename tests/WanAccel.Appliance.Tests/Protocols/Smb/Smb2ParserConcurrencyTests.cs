using System.Buffers;
using WanAccel.Appliance.Protocols;
using WanAccel.Appliance.Protocols.Smb;
using static WanAccel.Appliance.Tests.Protocols.Smb.Smb2Messages;

namespace WanAccel.Appliance.Tests.Protocols.Smb;

/// <summary>Feed from two threads at once, as the flows do (one per direction): the parser serialises itself.</summary>
public sealed class Smb2ParserConcurrencyTests
{
    private const int Requests = 3000;
    private static readonly UInt128 File1 = new(0x10, 0x20);

    [Fact]
    public async Task Feed_TwoThreadsResponsesTrailingRequests_SameEventsAsOneThread()
    {
        // Requests (WRITE and READ in turn) on one thread, responses on another, each response fed as soon as its
        // request was: both threads run at once, yet no response overtakes its request.
        var opening = new ConnectionCapture()
            .Client(Frame(Negotiate(0))).Server(Frame(NegotiateResponse(0)))
            .Client(Frame(TreeConnect(1, @"\\srv\share"))).Server(Frame(TreeConnectResponse(1, 7)))
            .Client(Frame(Create(2, 7, "f"))).Server(Frame(CreateResponse(2, File1)));
        var block = new byte[512];
        var requests = Enumerable.Range(0, Requests).Select(i => Frame(i % 2 == 0
            ? Write((ulong)(i + 3), 7, File1, i * 512L, block)
            : Read((ulong)(i + 3), 7, File1, i * 512L, 512))).ToArray();
        var responses = Enumerable.Range(0, Requests).Select(i => Frame(i % 2 == 0
            ? WriteResponse((ulong)(i + 3), 512)
            : ReadResponse((ulong)(i + 3), block))).ToArray();

        var sequential = new ConnectionCapture();
        foreach (var chunk in opening.Chunks)
        {
            sequential.Add(chunk.Direction, opening.Bytes(chunk).Span);
        }

        for (var i = 0; i < Requests; i++)
        {
            sequential.Client(requests[i]).Server(responses[i]);
        }

        var expected = CaptureReplay.Replay(sequential).Events;

        for (var round = 0; round < 8; round++)
        {
            var events = await FeedFromTwoThreadsAsync(opening, requests, responses);

            Assert.DoesNotContain(events.Events, e => e is ParserEvent.Stopped);
            Assert.Equal(Requests + 1, expected.Count);
            Assert.Equal(expected.ToHashSet(), events.Events.ToHashSet()); // stream offsets do not depend on the interleaving
            Assert.Equal(expected.Count, events.Events.Count);
        }
    }

    private static async Task<RecordingEvents> FeedFromTwoThreadsAsync(ConnectionCapture opening, byte[][] requests, byte[][] responses)
    {
        var events = new RecordingEvents();
        var parser = new Smb2Parser(events);
        foreach (var chunk in opening.Chunks)
        {
            parser.Feed(chunk.Direction, new ReadOnlySequence<byte>(opening.Bytes(chunk)));
        }

        var fed = 0;
        var client = Task.Run(() =>
        {
            for (var i = 0; i < requests.Length; i++)
            {
                FeedInPieces(parser, StreamDirection.ToServer, requests[i]);
                Volatile.Write(ref fed, i + 1);
            }
        });
        var server = Task.Run(() =>
        {
            for (var i = 0; i < responses.Length; i++)
            {
                var wait = new SpinWait();
                while (Volatile.Read(ref fed) <= i)
                {
                    wait.SpinOnce();
                }

                FeedInPieces(parser, StreamDirection.ToClient, responses[i]);
            }
        });
        await Task.WhenAll(client, server);
        return events;
    }

    /// <summary>Three Feeds a frame (inside the header, inside the body, the rest): more chances for the other thread to come in between.</summary>
    private static void FeedInPieces(Smb2Parser parser, StreamDirection direction, byte[] frame)
    {
        parser.Feed(direction, new ReadOnlySequence<byte>(frame.AsMemory(0, 30)));
        parser.Feed(direction, new ReadOnlySequence<byte>(frame.AsMemory(30, 50)));
        parser.Feed(direction, new ReadOnlySequence<byte>(frame.AsMemory(80)));
    }
}
