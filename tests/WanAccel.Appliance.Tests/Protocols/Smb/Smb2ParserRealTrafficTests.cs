using WanAccel.Appliance.Protocols;
using WanAccel.Appliance.Tests.EndToEnd;
using WanAccel.Appliance.Tests.Hosting;
using Xunit.Abstractions;

namespace WanAccel.Appliance.Tests.Protocols.Smb;

/// <summary>
/// The parser over what real smbclient and smbd (SMB 3.1.1) put on the wire, with the file itself as the oracle: every
/// FileData range of the recorded stream holds exactly the file's bytes it claims, and together they cover the file.
/// </summary>
public sealed class Smb2ParserRealTrafficTests(ITestOutputHelper output)
{
    private const int FileBytes = (3 << 20) + 12_345;

    [ToolTheory("smbd", "smbclient")]
    [InlineData("disabled")]
    [InlineData("mandatory")]
    public async Task Feed_RealPutAndGet_EveryDataRangeHoldsTheFileAndCoversIt(string signing)
    {
        var content = TestPayload.RandomHead(64 * 1024, FileBytes, seed: 31);
        var capture = await RealConnectionCapture.PutAndGetAsync(content, signing, encrypt: false);

        var events = CaptureReplay.Replay(capture);

        output.WriteLine($"signing {signing}: {capture.Chunks.Count} chunks, {capture.Stream(StreamDirection.ToServer).Length} B to the server, "
            + $"{capture.Stream(StreamDirection.ToClient).Length} B back; {events.Data.Count(d => d.Kind == FileDataKind.Write)} WRITE and "
            + $"{events.Data.Count(d => d.Kind == FileDataKind.Read)} READ data ranges; other events:");
        foreach (var e in events.Events.Where(e => e is not ParserEvent.Data))
        {
            output.WriteLine($"  {e}");
        }

        Assert.Empty(events.Stops);
        Assert.DoesNotContain(events.Events, e => e is ParserEvent.Encrypted);
        var remote = events.Events.OfType<ParserEvent.Opened>().Where(o => o.Name == @$"\\127.0.0.1\share\{RealConnectionCapture.RemoteName}").Select(o => o.File).ToHashSet();
        Assert.NotEmpty(remote);
        Assert.All(events.Data, d => Assert.Contains(d.File, remote));
        DataOracle.AssertEveryRangeHolds(capture, events.Data, _ => content);
        DataOracle.AssertCovers(events.Data.Where(d => d.Kind == FileDataKind.Write), content.Length);
        DataOracle.AssertCovers(events.Data.Where(d => d.Kind == FileDataKind.Read), content.Length);
        Assert.Superset(remote, events.Events.OfType<ParserEvent.Closed>().Select(c => c.File).ToHashSet());

        // The same bytes cut anywhere give the same events.
        for (var seed = 0; seed < 8; seed++)
        {
            Assert.Equal(events.Events, CaptureReplay.ReplaySplit(capture, seed).Events);
        }
    }

    [ToolFact("smbd", "smbclient")]
    public async Task Feed_RealEncryptedSession_EncryptedAndNoData()
    {
        var content = TestPayload.Create(256 * 1024, seed: 32);
        var capture = await RealConnectionCapture.PutAndGetAsync(content, "mandatory", encrypt: true);

        var events = CaptureReplay.Replay(capture);

        output.WriteLine(string.Join(Environment.NewLine, events.Events));
        Assert.IsType<ParserEvent.Encrypted>(Assert.Single(events.Events));
    }
}
