using System.Buffers;
using System.Buffers.Binary;
using WanAccel.Appliance.Protocols;
using WanAccel.Appliance.Protocols.Smb;
using static WanAccel.Appliance.Tests.Protocols.Smb.Smb2Messages;

namespace WanAccel.Appliance.Tests.Protocols.Smb;

/// <summary>The parser over hand-built messages: each command, compounds, async and error responses, SMB1, transforms, limits.</summary>
public sealed class Smb2ParserTests
{
    private static readonly UInt128 File1 = new(0x10, 0x20);
    private static readonly UInt128 File2 = new(0x11, 0x21);
    private static readonly UInt128 File3 = new(0x12, 0x22);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Feed_WholeSession_EventsInOrderAndEveryRangeHoldsTheFile(bool signed)
    {
        var capture = SyntheticConversation.Build(signed);

        var events = CaptureReplay.Replay(capture);

        Assert.Equal(SyntheticConversation.ExpectedShape, events.Events.Select(SyntheticConversation.Shape));
        DataOracle.AssertEveryRangeHolds(capture, events.Data, SyntheticConversation.Content);
    }

    [Fact]
    public void Feed_WriteRequestHeaderOnly_DataReportedBeforeThePayload()
    {
        var payload = new byte[10_000];
        var frame = Frame(Write(5, 7, File1, 4096, payload));
        var (parser, events, opened) = Opened();
        var headerEnd = 4 + WriteDataOffset;

        parser.Feed(StreamDirection.ToServer, new ReadOnlySequence<byte>(frame.AsMemory(0, headerEnd)));

        var start = opened.Stream(StreamDirection.ToServer).Length;
        Assert.Equal(new ParserEvent.Data(File1, FileDataKind.Write, StreamDirection.ToServer, start + headerEnd, 4096, payload.Length), events.Events[^1]);
        parser.Feed(StreamDirection.ToServer, new ReadOnlySequence<byte>(frame.AsMemory(headerEnd)));
        parser.Feed(StreamDirection.ToClient, new ReadOnlySequence<byte>(Frame(WriteResponse(5, payload.Length))));
        Assert.Equal(2, events.Events.Count);
        Assert.False(parser.Stopped);
    }

    [Fact]
    public void Feed_ReadResponseHeaderOnly_DataReportedBeforeThePayload()
    {
        var (parser, events, opened) = Opened();
        Feed(parser, StreamDirection.ToServer, Frame(Read(5, 7, File1, 1 << 20, 8192)));
        var frame = Frame(ReadResponse(5, new byte[8192]));
        var headerEnd = 4 + ReadDataOffset;

        parser.Feed(StreamDirection.ToClient, new ReadOnlySequence<byte>(frame.AsMemory(0, headerEnd)));

        var start = opened.Stream(StreamDirection.ToClient).Length;
        Assert.Equal(new ParserEvent.Data(File1, FileDataKind.Read, StreamDirection.ToClient, start + headerEnd, 1 << 20, 8192), events.Events[^1]);
    }

    [Fact]
    public void Feed_CompoundCreateReadClose_RelatedRequestsUseTheCreatesFileId()
    {
        var capture = Session()
            .Client(Frame(Create(4, 7, @"dir\b.bin"), Related(Read(5, 7, UInt128.MaxValue, 0, 100)), Related(Close(6, 7, UInt128.MaxValue))))
            .Server(Frame(CreateResponse(4, File2), ReadResponse(5, new byte[60]), CloseResponse(6)));

        var events = CaptureReplay.Replay(capture).Events;

        Assert.Equal<ParserEvent>(
            [
                new ParserEvent.Opened(File2, @"\\srv\share\dir\b.bin"),
                new ParserEvent.Data(File2, FileDataKind.Read, StreamDirection.ToClient, ((ParserEvent.Data)events[1]).StreamOffset, 0, 60),
                new ParserEvent.Closed(File2),
            ],
            events);
    }

    [Fact]
    public void Feed_RelatedWriteAfterCreate_NoDataYetLaterRequestsFollowed()
    {
        // The FileId of a related WRITE arrives with the CREATE response, after the payload has passed: not reported.
        var capture = Session()
            .Client(Frame(Create(4, 7, "c.bin"), Related(Write(5, 7, UInt128.MaxValue, 0, new byte[300])), Related(Close(6, 7, UInt128.MaxValue))))
            .Server(Frame(CreateResponse(4, File2), WriteResponse(5, 300), CloseResponse(6)))
            .Client(Frame(Write(7, 7, File1, 0, new byte[10])));

        var events = CaptureReplay.Replay(capture).Events;

        Assert.Equal<string>(
            ["Opened", "Closed", "Data"],
            events.Select(e => e.GetType().Name));
        Assert.Equal(File2, ((ParserEvent.Closed)events[1]).File);
        Assert.Equal(File1, ((ParserEvent.Data)events[2]).File);
    }

    [Fact]
    public void Feed_RelatedFileIdWithoutCreateBefore_NoEventForAnUnknownFile()
    {
        // "The previous request's file" after no CREATE (or with the related flag on a frame's first message) is not
        // known to the parser: nothing is reported rather than a made-up file.
        var capture = OpenedCapture()
            .Client(Frame(Related(Read(5, 7, UInt128.MaxValue, 0, 10))), Frame(Echo(6), Related(Write(7, 7, UInt128.MaxValue, 0, new byte[10])), Related(Close(8, 7, UInt128.MaxValue))))
            .Server(Frame(ReadResponse(5, new byte[10])), Frame(EchoResponse(6), WriteResponse(7, 10), CloseResponse(8)));

        var events = CaptureReplay.Replay(capture).Events;

        Assert.Equal<ParserEvent>([new ParserEvent.Opened(File1, @"\\srv\share\a.img")], events);
    }

    [Fact]
    public void Feed_RelatedRequestWithOwnFileId_UsesIt()
    {
        var capture = Opened()
            .Capture
            .Client(Frame(Echo(5), Related(Read(6, 7, File1, 0, 10))))
            .Server(Frame(EchoResponse(5), ReadResponse(6, new byte[10])));

        Assert.Single(CaptureReplay.Replay(capture).Data, d => d.File == File1);
    }

    [Fact]
    public void Feed_PendingThenFinalAsyncResponse_OneDataEventAtTheFinal()
    {
        var capture = OpenedCapture()
            .Client(Frame(Read(5, 7, File1, 0, 1000)))
            .Server(Frame(Async(Error(Smb2Command.Read, 5, NtStatus.Pending), 9)));
        var interim = CaptureReplay.Replay(capture);
        Assert.Empty(interim.Data);

        capture.Server(Frame(Async(ReadResponse(5, new byte[1000]), 9)));

        Assert.Single(CaptureReplay.Replay(capture).Data);
    }

    [Fact]
    public void Feed_ErrorResponses_NoEventsAndTheRequestIsDone()
    {
        var capture = Session()
            .Client(Frame(Create(4, 7, "missing")))
            .Server(Frame(Error(Smb2Command.Create, 4, StatusNotFound)))
            .Client(Frame(Read(5, 7, File1, 0, 10)))
            .Server(Frame(Error(Smb2Command.Read, 5, StatusEndOfFile)));
        Assert.Empty(CaptureReplay.Replay(capture).Events);

        capture.Server(Frame(ReadResponse(5, new byte[10]))); // a second answer to a request already answered

        Assert.IsType<ParserEvent.Stopped>(Assert.Single(CaptureReplay.Replay(capture).Events));
    }

    [Fact]
    public void Feed_CancelAndOplockBreak_AnswerNothing()
    {
        var capture = OpenedCapture()
            .Client(Frame(Read(5, 7, File1, 0, 10)))
            .Server(Frame(Async(Error(Smb2Command.Read, 5, NtStatus.Pending), 3)), Frame(OplockBreak(File1)))
            .Client(Frame(Cancel(5)))
            .Server(Frame(Async(Error(Smb2Command.Read, 5, 0xC0000120), 3))); // STATUS_CANCELLED

        var events = CaptureReplay.Replay(capture);

        Assert.Single(events.Events); // the open
    }

    [Fact]
    public void Feed_Smb1NegotiateFirst_ToleratedAndAnsweredAsMessageIdZero()
    {
        var capture = new ConnectionCapture()
            .Client(Smb1Negotiate()).Server(Frame(NegotiateResponse(0)))
            .Client(Frame(Negotiate(1))).Server(Frame(NegotiateResponse(1)))
            .Client(Frame(SessionSetup(2))).Server(Frame(SessionSetupResponse(2)))
            .Client(Frame(TreeConnect(3, @"\\srv\share"))).Server(Frame(TreeConnectResponse(3, 7)))
            .Client(Frame(Create(4, 7, "a"))).Server(Frame(CreateResponse(4, File1)));

        Assert.Equal<ParserEvent>([new ParserEvent.Opened(File1, @"\\srv\share\a")], CaptureReplay.Replay(capture).Events);
    }

    [Theory]
    [InlineData("second frame")]
    [InlineData("from the server")]
    [InlineData("not a negotiate")]
    public void Feed_Smb1Elsewhere_Stops(string where)
    {
        var capture = where switch
        {
            "second frame" => new ConnectionCapture().Client(Frame(Negotiate(0)), Smb1Negotiate()),
            "from the server" => new ConnectionCapture().Client(Frame(Negotiate(0))).Server(Smb1Negotiate()),
            _ => new ConnectionCapture().Client(Smb1Negotiate(command: 0x73)),
        };

        Assert.IsType<ParserEvent.Stopped>(Assert.Single(CaptureReplay.Replay(capture).Events));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Feed_TransformHeader_EncryptedThenNothingMore(bool fromServer)
    {
        var direction = fromServer ? StreamDirection.ToClient : StreamDirection.ToServer;
        var capture = OpenedCapture()
            .Add(direction, Transform(500))
            .Client(Frame(Write(5, 7, File1, 0, new byte[100])))
            .Server(Frame(WriteResponse(5, 100)));

        var events = CaptureReplay.Replay(capture).Events;

        Assert.Equal<ParserEvent>([new ParserEvent.Opened(File1, @"\\srv\share\a.img"), new ParserEvent.Encrypted(direction)], events);
    }

    [Fact]
    public void Feed_CompressionTransform_StopsOnce()
    {
        var capture = OpenedCapture().Server(Compressed(64), Compressed(64)).Client(Frame(Write(5, 7, File1, 0, new byte[100])));

        var events = CaptureReplay.Replay(capture).Events;

        Assert.Equal(2, events.Count);
        Assert.Contains("compression", Assert.IsType<ParserEvent.Stopped>(events[1]).Reason, StringComparison.Ordinal);
    }

    public static TheoryData<string> Inconsistencies =>
    [
        "http", "empty frame", "short frame", "header size", "next command misaligned", "next command past the frame",
        "unknown command", "unanswered response", "response to server", "duplicate message id", "command mismatch",
        "read longer than asked", "read data in its header", "write data past its message", "name past its message",
        "odd name", "truncated create",
    ];

    [Theory]
    [MemberData(nameof(Inconsistencies))]
    public void Feed_Inconsistent_StopsOnceAndIgnoresTheRest(string what)
    {
        var capture = OpenedCapture();
        switch (what)
        {
            case "http": capture = new ConnectionCapture().Client("GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray()); break;
            case "empty frame": capture.Client([0, 0, 0, 0]); break;
            case "short frame": capture.Client(RawFrame(Echo(5).AsSpan(0, 40))); break;
            case "header size": capture.Client(Frame(Patch(Echo(5), 4, 2, 63))); break;
            case "next command misaligned": capture.Client(Patch(Frame(Echo(5), Echo(6)), 4 + 20, 4, 68)); break;
            case "next command past the frame": capture.Client(Patch(Frame(Echo(5), Echo(6)), 4 + 20, 4, 4096)); break;
            case "unknown command": capture.Client(Frame(Request((Smb2Command)0x20, 5, 0, new byte[8]))); break;
            case "unanswered response": capture.Server(Frame(EchoResponse(99))); break;
            case "response to server": capture.Client(Frame(EchoResponse(5))); break;
            case "duplicate message id": capture.Client(Frame(Echo(5)), Frame(Echo(5))); break;
            case "command mismatch": capture.Client(Frame(Echo(5))).Server(Frame(CloseResponse(5))); break;
            case "read longer than asked": capture.Client(Frame(Read(5, 7, File1, 0, 10))).Server(Frame(ReadResponse(5, new byte[11]))); break;
            case "read data in its header": capture.Client(Frame(Read(5, 7, File1, 0, 10))).Server(Frame(Patch(ReadResponse(5, new byte[10]), 66, 1, 70))); break;
            case "write data past its message": capture.Client(Frame(Patch(Write(5, 7, File1, 0, new byte[10]), 68, 4, 11))); break;
            case "name past its message": capture.Client(Frame(Patch(Create(5, 7, "abc"), 64 + 46, 2, 200))); break;
            case "odd name": capture.Client(Frame(Patch(Create(5, 7, "abc"), 64 + 46, 2, 5))); break;
            default: capture.Client(RawFrame(Create(5, 7, "abc").AsSpan(0, 100))); break;
        }

        capture.Client(Frame(Write(50, 7, File1, 0, new byte[10]))).Server(Frame(WriteResponse(50, 10)));
        var events = CaptureReplay.Replay(capture);

        var stopped = Assert.Single(events.Stops);
        Assert.Same(stopped, events.Events[^1]);
        Assert.Empty(events.Data);
    }

    [Fact]
    public void Feed_OutstandingRequestsAtTheLimit_FollowedOneMore_Stops()
    {
        var parser = new Smb2Parser(new RecordingEvents());
        for (var id = 0; id < Smb2Conversation.MaxOutstanding; id++)
        {
            Feed(parser, StreamDirection.ToServer, Frame(Echo((ulong)id)));
        }

        Assert.False(parser.Stopped);
        Feed(parser, StreamDirection.ToServer, Frame(Echo(ulong.MaxValue - 1)));
        Assert.True(parser.Stopped);
    }

    [Fact]
    public void Feed_NameLongerThanTheLimit_Stops()
    {
        var capture = Session().Client(Frame(Create(4, 7, new string('n', (Smb2Conversation.MaxNameBytes / 2) + 1))));

        Assert.Contains("name", Assert.IsType<ParserEvent.Stopped>(Assert.Single(CaptureReplay.Replay(capture).Events)).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Feed_ManyPendingLongNames_StopsWithinTheNameBudget()
    {
        var parser = new Smb2Parser(new RecordingEvents());
        var name = new string('n', Smb2Conversation.MaxNameBytes / 2);
        var sent = 0;
        for (; sent < Smb2Conversation.MaxOutstanding && !parser.Stopped; sent++)
        {
            Feed(parser, StreamDirection.ToServer, Frame(Create((ulong)sent, 7, name)));
        }

        // 1 MiB of names: 32 pending CREATEs of 32 KiB each, far below the request limit.
        Assert.True(parser.Stopped);
        Assert.InRange(sent, 30, 33);
    }

    [Fact]
    public void Feed_LargestFrameInSmallPieces_AllocatesNothingInProportion()
    {
        const int FrameLength = 0xFFFFFF;
        var message = Write(5, 7, File1, 0, []);
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(68), FrameLength - WriteDataOffset);
        var header = RawFrame(message);
        BinaryPrimitives.WriteUInt32BigEndian(header, FrameLength);
        var (parser, events, opened) = Opened();
        var zeros = new byte[4096];
        var before = GC.GetAllocatedBytesForCurrentThread();

        parser.Feed(StreamDirection.ToServer, new ReadOnlySequence<byte>(header));
        for (var left = FrameLength - WriteDataOffset; left > 0; left -= zeros.Length)
        {
            parser.Feed(StreamDirection.ToServer, new ReadOnlySequence<byte>(zeros.AsMemory(0, Math.Min(left, zeros.Length))));
        }

        parser.Feed(StreamDirection.ToClient, new ReadOnlySequence<byte>(Frame(WriteResponse(5, FrameLength - WriteDataOffset))));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 64 * 1024, $"{allocated} B allocated for a 16 MiB frame");
        Assert.Equal(FrameLength - WriteDataOffset, Assert.Single(events.Data).Length);
        Assert.False(parser.Stopped);
    }

    [Fact]
    public void Feed_CreateOnUnknownTreeOrAfterDisconnect_NameWithoutShare()
    {
        var capture = Session()
            .Client(Frame(Create(4, 99, "x.bin"))).Server(Frame(CreateResponse(4, File1)))
            .Client(Frame(TreeDisconnect(5, 7))).Server(Frame(TreeDisconnectResponse(5)))
            .Client(Frame(Create(6, 7, "y.bin"))).Server(Frame(CreateResponse(6, File2)))
            .Client(Frame(Create(8, 7, ""))).Server(Frame(CreateResponse(8, File3)));

        Assert.Equal<ParserEvent>(
            [new ParserEvent.Opened(File1, "x.bin"), new ParserEvent.Opened(File2, "y.bin"), new ParserEvent.Opened(File3, "")],
            CaptureReplay.Replay(capture).Events);
    }

    [Fact]
    public void Feed_ShareRoot_NamedAsTheShare()
    {
        var capture = Session().Client(Frame(Create(4, 7, ""))).Server(Frame(CreateResponse(4, File1)));

        Assert.Equal<ParserEvent>([new ParserEvent.Opened(File1, @"\\srv\share")], CaptureReplay.Replay(capture).Events);
    }

    /// <summary>NEGOTIATE, SESSION_SETUP and TREE_CONNECT to <c>\\srv\share</c> (TreeId 7); MessageIds 0–3.</summary>
    private static ConnectionCapture Session() => new ConnectionCapture()
        .Client(Frame(Negotiate(0))).Server(Frame(NegotiateResponse(0)))
        .Client(Frame(SessionSetup(1))).Server(Frame(SessionSetupResponse(1)))
        .Client(Frame(SessionSetup(2))).Server(Frame(SessionSetupResponse(2)))
        .Client(Frame(TreeConnect(3, @"\\srv\share"))).Server(Frame(TreeConnectResponse(3, 7)));

    /// <summary><see cref="Session"/> and <c>a.img</c> opened as <see cref="File1"/> (MessageId 4).</summary>
    private static ConnectionCapture OpenedCapture() => Session().Client(Frame(Create(4, 7, "a.img"))).Server(Frame(CreateResponse(4, File1)));

    /// <summary>A parser fed <see cref="OpenedCapture"/>.</summary>
    private static (Smb2Parser Parser, RecordingEvents Events, ConnectionCapture Capture) Opened()
    {
        var events = new RecordingEvents();
        var parser = new Smb2Parser(events);
        var capture = OpenedCapture();
        foreach (var chunk in capture.Chunks)
        {
            parser.Feed(chunk.Direction, new ReadOnlySequence<byte>(capture.Bytes(chunk)));
        }

        Assert.Single(events.Events);
        return (parser, events, capture);
    }

    private static void Feed(Smb2Parser parser, StreamDirection direction, byte[] bytes) =>
        parser.Feed(direction, new ReadOnlySequence<byte>(bytes));
}
