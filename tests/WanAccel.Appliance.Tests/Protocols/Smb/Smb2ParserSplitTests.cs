using WanAccel.Appliance.Protocols;

namespace WanAccel.Appliance.Tests.Protocols.Smb;

/// <summary>Where the stream is cut (Feed boundaries, segment boundaries) changes nothing: the same bytes give the same events.</summary>
public sealed class Smb2ParserSplitTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Feed_SessionCutAtRandomPoints_SameEvents(bool signed)
    {
        var capture = SyntheticConversation.Build(signed);
        var whole = CaptureReplay.Replay(capture).Events;
        Assert.Equal(SyntheticConversation.ExpectedShape.Count, whole.Count);

        for (var seed = 0; seed < 300; seed++)
        {
            Assert.Equal(whole, CaptureReplay.ReplaySplit(capture, seed).Events);
        }
    }

    [Fact]
    public void Feed_SessionOneByteAtATime_SameEvents()
    {
        var capture = SyntheticConversation.Build();
        var bytes = capture.Chunks.SelectMany(c => Enumerable.Range(0, c.Length).Select(i => (c.Direction, capture.Bytes(c).Slice(i, 1))));

        Assert.Equal(CaptureReplay.Replay(capture).Events, CaptureReplay.Replay(bytes, random: null).Events);
    }

    [Fact]
    public void Feed_StopCutAtRandomPoints_SameReasonAtTheSameOffset()
    {
        var capture = SyntheticConversation.Build();
        capture.Add(StreamDirection.ToServer, Smb2Messages.Frame(Smb2Messages.Patch(Smb2Messages.Echo(40), 4, 2, 65)));
        var whole = CaptureReplay.Replay(capture).Events;
        Assert.IsType<ParserEvent.Stopped>(whole[^1]);

        for (var seed = 0; seed < 100; seed++)
        {
            Assert.Equal(whole, CaptureReplay.ReplaySplit(capture, seed).Events);
        }
    }
}
