using System.Buffers;
using WanAccel.Appliance.Protocols;
using WanAccel.Appliance.Tests.EndToEnd;
using WanAccel.Appliance.Tests.Hosting;
using WanAccel.Cli.Peers;

namespace WanAccel.Appliance.Tests.Protocols.Nfs;

/// <summary>
/// The parser on real traffic: libnfs <c>nfs-cp</c> writes a file to nfs-ganesha and reads it back through a recording
/// relay (NFS through the relay, MOUNT direct). The oracle is the file itself: every byte range the parser calls file
/// data must be that file's bytes, and the ranges must cover the file in both directions.
/// </summary>
public sealed class NfsParserTrafficTests
{
    private const int FileBytes = (3 << 20) + 12_345;

    [ToolFact("ganesha.nfsd", "rpcbind", "nfs-cp", "unshare")]
    public async Task NfsCpWriteThenRead_EveryDataEventIsTheFilesBytes_AndCoversIt()
    {
        using var work = new TempDirectory();
        await using var ganesha = await GaneshaServer.StartAsync(Directory.CreateDirectory(work["export"]).FullName, work["ganesha"], CancellationToken.None);
        await using var relay = new RecordingRelay(ganesha.Nfs);
        var content = TestPayload.Create(FileBytes, seed: 5);
        await File.WriteAllBytesAsync(work["local.bin"], content);
        var url = ganesha.Url("file.bin", relay.EndPoint, ganesha.Mount);

        await NfsCopyAsync(work["local.bin"], url);
        await NfsCopyAsync(url, work["back.bin"]);
        TestPayload.AssertFileHolds(content, work["back.bin"]);
        await relay.DisposeAsync(); // nfs-cp resets its connections rather than closing them
        var connections = relay.Captures;

        var random = new Random(17);
        var covered = new Dictionary<FileDataKind, long>();
        foreach (var connection in connections)
        {
            var (parser, events) = NfsParserTests.New();
            var streams = new Dictionary<StreamDirection, MemoryStream> { [StreamDirection.ToServer] = new(), [StreamDirection.ToClient] = new() };
            foreach (var chunk in connection.Chunks)
            {
                var bytes = connection.Bytes(chunk).ToArray();
                streams[chunk.Direction].Write(bytes);
                NfsParserTests.Split(parser, chunk.Direction, bytes, random);
            }

            Assert.False(parser.Stopped, string.Join("; ", events.Stops));
            foreach (var piece in events.Data)
            {
                var stream = streams[piece.Direction].GetBuffer();
                Assert.Equal(piece.Kind == FileDataKind.Read ? StreamDirection.ToClient : StreamDirection.ToServer, piece.Direction);
                Assert.True(content.AsSpan((int)piece.FileOffset, piece.Length).SequenceEqual(stream.AsSpan((int)piece.StreamOffset, piece.Length)),
                    $"{piece.Kind} piece at stream {piece.StreamOffset} is not file bytes {piece.FileOffset}+{piece.Length}");
                Assert.Contains(events.Opened, o => o.Key == piece.File && o.Value.EndsWith("file.bin", StringComparison.Ordinal));
            }

            foreach (var kind in events.Data.Select(d => d.Kind).Distinct())
            {
                covered[kind] = covered.GetValueOrDefault(kind) + Coverage(events.Data.Where(d => d.Kind == kind).Select(d => (d.FileOffset, d.Length)));
            }
        }

        Assert.Equal(FileBytes, covered.GetValueOrDefault(FileDataKind.Write));
        Assert.Equal(FileBytes, covered.GetValueOrDefault(FileDataKind.Read));
    }

    /// <summary>Bytes of [0, file) the ranges cover (each byte once, however often it was sent).</summary>
    private static long Coverage(IEnumerable<(long Offset, int Length)> ranges)
    {
        long covered = 0, end = 0;
        foreach (var (offset, length) in ranges.OrderBy(r => r.Offset))
        {
            var from = Math.Max(offset, end);
            var to = Math.Min(offset + length, FileBytes);
            if (to > from)
            {
                covered += to - from;
                end = to;
            }
        }

        return covered;
    }

    private static async Task NfsCopyAsync(string from, string to)
    {
        var (code, output, error) = await ExternalProcess.RunAsync("nfs-cp", [from, to], CancellationToken.None);
        Assert.True(code == 0, $"nfs-cp {from} {to} exited {code}: {error}{output}");
    }
}
