using System.Buffers;
using WanAccel.Appliance.Protocols;
using WanAccel.Appliance.Protocols.Nfs;
using static WanAccel.Appliance.Tests.Protocols.Nfs.RpcMessages;

namespace WanAccel.Appliance.Tests.Protocols.Nfs;

/// <summary>The NFSv3/MOUNT parser on hand-built records: each procedure it reads, fragments, splits, and what it skips or stops on.</summary>
public sealed class NfsParserTests
{
    private static readonly byte[] Root = Handle(0x10);
    private static readonly byte[] Dir = Handle(0x20);
    private static readonly byte[] File = Handle(0x30);

    [Fact]
    public void MountThenLookups_NamesFilesUnderTheExportPath()
    {
        var (parser, events) = New();
        Feed(parser, StreamDirection.ToServer, MountCall(1, "/srv/export"));
        Feed(parser, StreamDirection.ToClient, MountReply(1, Root));
        Feed(parser, StreamDirection.ToServer, DirOpCall(2, 3, Root, "images"));
        Feed(parser, StreamDirection.ToClient, LookupReply(2, Dir));
        Feed(parser, StreamDirection.ToServer, DirOpCall(3, 3, Dir, "disk.qcow2"));
        Feed(parser, StreamDirection.ToClient, LookupReply(3, File));

        Assert.Equal("/srv/export/images", events.Opened[Key(Dir)]);
        Assert.Equal("/srv/export/images/disk.qcow2", events.Opened[Key(File)]);
        Assert.False(parser.Stopped);
    }

    [Fact]
    public void Create_UnknownDirectory_NamesTheComponent()
    {
        var (parser, events) = New();
        Feed(parser, StreamDirection.ToServer, DirOpCall(9, 8, Dir, "new.img"));
        Feed(parser, StreamDirection.ToClient, CreateReply(9, File));

        Assert.Equal([new ParserEvent.Opened(Key(File), "new.img")], events.Events);
    }

    [Fact]
    public void ReadReply_ReportsDataAtItsStreamOffset_BeforeThePayloadIsFed()
    {
        var (parser, events) = New();
        var data = Enumerable.Range(0, 5000).Select(i => (byte)i).ToArray();
        Feed(parser, StreamDirection.ToServer, ReadCall(0x77, File, 1 << 20, 8192));
        var reply = ReadReply(0x77, data, eof: true, size: 2 << 20);
        var dataStart = reply.Length - data.Length - 0; // 5000 is a multiple of 4: no padding

        Feed(parser, StreamDirection.ToClient, reply.AsSpan(0, dataStart).ToArray());
        var (fileKey, kind, direction, streamOffset, fileOffset, length) = Assert.Single(events.Data);
        Assert.Equal((Key(File), FileDataKind.Read, StreamDirection.ToClient), (fileKey, kind, direction));
        Assert.Equal((dataStart, 1L << 20, data.Length), (streamOffset, fileOffset, length));

        Feed(parser, StreamDirection.ToClient, reply.AsSpan(dataStart).ToArray());
        Assert.Single(events.Data);
    }

    [Fact]
    public void WriteCall_InFragments_ReportsEachContiguousPieceOfData()
    {
        var (parser, events) = New();
        var data = Enumerable.Range(0, 3001).Select(i => (byte)(i * 7)).ToArray();
        var record = WriteCall(5, File, 4096, data, 200, 1000, 700);
        Feed(parser, StreamDirection.ToServer, record);

        AssertPiecesHold(events, record, data, 4096, FileDataKind.Write, StreamDirection.ToServer);
        Assert.True(events.Data.Count() >= 3, $"{events.Data.Count()} pieces");
    }

    [Fact]
    public void ReadReply_HeaderSpreadOverTinyFragments_StillMapsTheData()
    {
        var (parser, events) = New();
        var data = Enumerable.Range(0, 777).Select(i => (byte)(i ^ 0x5A)).ToArray();
        Feed(parser, StreamDirection.ToServer, ReadCall(6, File, 0, 777));
        var record = ReadReply(6, data, eof: false, size: 9999, 3, 5, 40, 100, 60);
        Feed(parser, StreamDirection.ToClient, record);

        AssertPiecesHold(events, record, data, 0, FileDataKind.Read, StreamDirection.ToClient);
    }

    [Fact]
    public void Commit_ReportsClose()
    {
        var (parser, events) = New();
        Feed(parser, StreamDirection.ToServer, CommitCall(8, File));
        Feed(parser, StreamDirection.ToClient, CommitReply(8));

        Assert.Equal([Key(File)], events.Closed);
    }

    [Fact]
    public void UnknownProgramsAndProcedures_AreSkipped_LaterMessagesParsed()
    {
        var (parser, events) = New();
        Feed(parser, StreamDirection.ToServer, Record(Call(1, 100021, 2).Opaque(new byte[300]))); // NLM
        Feed(parser, StreamDirection.ToServer, Record(Call(2, RpcMessages.Nfs, 1).Opaque(File))); // GETATTR
        Feed(parser, StreamDirection.ToServer, Record(Call(3, 999, 1, credentialFlavor: 6, credentialBytes: 400))); // RPCSEC_GSS-like
        Feed(parser, StreamDirection.ToServer, ReadCall(4, File, 0, 16));
        Feed(parser, StreamDirection.ToClient, Record(Reply(2).UInt32(0).Attributes(5)));
        Feed(parser, StreamDirection.ToClient, Record(Reply(1).UInt32(0)));
        Feed(parser, StreamDirection.ToClient, ReadReply(4, new byte[16], eof: true, size: 16));

        Assert.Single(events.Data);
        Assert.False(parser.Stopped);
    }

    [Fact]
    public void ReplyWithoutCall_ErrorStatus_AndDeniedReply_ReportNothing()
    {
        var (parser, events) = New();
        Feed(parser, StreamDirection.ToServer, ReadCall(1, File, 0, 16));
        Feed(parser, StreamDirection.ToServer, ReadCall(2, File, 0, 16));
        Feed(parser, StreamDirection.ToClient, ReadReply(99, new byte[16], eof: true, size: 16));
        Feed(parser, StreamDirection.ToClient, Record(Reply(1).UInt32(70).UInt32(0))); // NFS3ERR_STALE
        Feed(parser, StreamDirection.ToClient, Record(new XdrWriter().UInt32(2).UInt32(1).UInt32(1).UInt32(1).UInt32(1)));

        Assert.Empty(events.Events);
        Assert.False(parser.Stopped);
    }

    [Fact]
    public void NotRpc_StopsOnce_ThenIgnoresEverything()
    {
        var (parser, events) = New();
        Feed(parser, StreamDirection.ToServer, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());
        Feed(parser, StreamDirection.ToServer, ReadCall(1, File, 0, 16));

        Assert.True(parser.Stopped);
        Assert.Single(events.Stops);
    }

    [Fact]
    public void FirstRecordNotAnRpcCall_Stops()
    {
        var (parser, events) = New();
        Feed(parser, StreamDirection.ToServer, Record(new XdrWriter().UInt32(1).UInt32(7).UInt32(2)));

        Assert.True(parser.Stopped);
        Assert.Contains("not ONC-RPC", Assert.Single(events.Stops).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void DataLongerThanItsRecord_Stops()
    {
        var (parser, events) = New();
        Feed(parser, StreamDirection.ToServer, ReadCall(1, File, 0, 64));
        var message = Reply(1).UInt32(0).Attributes(64).UInt32(64).UInt32(1).UInt32(64).ToArray(); // claims 64 bytes, has none
        Feed(parser, StreamDirection.ToClient, Record(message));

        Assert.True(parser.Stopped);
        Assert.Single(events.Stops);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void RandomSplits_GiveTheSameEvents(int seed)
    {
        var (callRecords, replyRecords) = Conversation();
        byte[] calls = [.. callRecords.SelectMany(c => c)], replies = [.. replyRecords.SelectMany(r => r)];
        var callEnds = Ends(callRecords);
        var replyEnds = Ends(replyRecords);
        var (whole, wholeEvents) = New();
        Feed(whole, StreamDirection.ToServer, calls);
        Feed(whole, StreamDirection.ToClient, replies);

        var random = new Random(seed);
        var (split, splitEvents) = New();
        int atCalls = 0, atReplies = 0;
        while (atCalls < calls.Length || atReplies < replies.Length)
        {
            // A reply is fed only once its call is: replies may go up to the end of reply k when k calls are complete.
            var callsDone = callEnds.Count(e => e <= atCalls);
            var replyLimit = callsDone == 0 ? 0 : replyEnds[callsDone - 1];
            var toServer = atReplies >= replyLimit || (atCalls < calls.Length && random.Next(2) == 0);
            var (bytes, at, limit) = toServer ? (calls, atCalls, calls.Length) : (replies, atReplies, replyLimit);
            var n = Math.Min(limit - at, random.Next(1, random.Next(2) == 0 ? 8 : 3000));
            Split(split, toServer ? StreamDirection.ToServer : StreamDirection.ToClient, bytes.AsMemory(at, n), random);
            if (toServer)
            {
                atCalls += n;
            }
            else
            {
                atReplies += n;
            }
        }

        // The two directions interleave differently; within each, the events come in the same order.
        Assert.NotEmpty(wholeEvents.Data);
        Assert.Equal(wholeEvents.Events.Where(IsToServer), splitEvents.Events.Where(IsToServer));
        Assert.Equal(wholeEvents.Events.Where(e => !IsToServer(e)), splitEvents.Events.Where(e => !IsToServer(e)));
    }

    /// <summary>A mount, lookups, a create, WRITEs and READs in fragments, a commit: calls and the replies, each direction whole.</summary>
    internal static (byte[][] Calls, byte[][] Replies) Conversation()
    {
        var data = Enumerable.Range(0, 10_000).Select(i => (byte)(i * 31)).ToArray();
        byte[][] calls =
        [
            MountCall(1, "/srv/export"), DirOpCall(2, 3, Root, "images"), DirOpCall(3, 8, Dir, "disk.img"),
            WriteCall(4, File, 0, data, 1000, 3000), WriteCall(5, File, 10_000, data), CommitCall(6, File),
            ReadCall(7, File, 0, 10_000), ReadCall(8, File, 10_000, 10_000), ReadCall(9, File, 20_000, 10_000),
        ];
        byte[][] replies =
        [
            MountReply(1, Root), LookupReply(2, Dir), CreateReply(3, File),
            Record(Reply(4).UInt32(0).UInt32(0).UInt32(0).UInt32(10_000).UInt32(2).UInt64(1)),
            Record(Reply(5).UInt32(0).UInt32(0).UInt32(0).UInt32(10_000).UInt32(2).UInt64(1)),
            CommitReply(6), ReadReply(7, data, false, 20_000, 333, 4000), ReadReply(8, data, true, 20_000), ReadReply(9, [], true, 20_000),
        ];
        return (calls, replies);
    }

    private static int[] Ends(byte[][] records)
    {
        var ends = new int[records.Length];
        for (int i = 0, at = 0; i < records.Length; i++)
        {
            ends[i] = at += records[i].Length;
        }

        return ends;
    }

    private static bool IsToServer(ParserEvent e) => e is ParserEvent.Data { Direction: StreamDirection.ToServer };

    internal static (NfsParser Parser, RecordingEvents Events) New()
    {
        var events = new RecordingEvents();
        return (new NfsParser(events), events);
    }

    internal static void Feed(NfsParser parser, StreamDirection direction, byte[] bytes) => parser.Feed(direction, new ReadOnlySequence<byte>(bytes));

    /// <summary>Feeds <paramref name="bytes"/> as one call holding a multi-segment sequence.</summary>
    internal static void Split(NfsParser parser, StreamDirection direction, ReadOnlyMemory<byte> bytes, Random random)
    {
        var first = new Segment(bytes[..random.Next(bytes.Length + 1)]);
        var last = first.Append(bytes[first.Memory.Length..]);
        parser.Feed(direction, new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length));
    }

    /// <summary>Every reported piece is the data's bytes at that place, and the pieces cover the data once.</summary>
    private static void AssertPiecesHold(RecordingEvents events, byte[] stream, byte[] data, long fileOffset, FileDataKind kind, StreamDirection direction)
    {
        long covered = 0;
        foreach (var piece in events.Data)
        {
            Assert.Equal((Key(File), kind, direction), (piece.File, piece.Kind, piece.Direction));
            Assert.Equal(data.AsSpan((int)(piece.FileOffset - fileOffset), piece.Length), stream.AsSpan((int)piece.StreamOffset, piece.Length));
            covered += piece.Length;
        }

        Assert.Equal(data.Length, covered);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
