using System.Buffers;
using System.IO.Pipelines;
using WanAccel.Appliance.FileTransfer.Protocol;
using WanAccel.Appliance.Protocols;
using WanAccel.Appliance.Protocols.FileTransfer;

namespace WanAccel.Appliance.Tests.Protocols.FileTransfer;

public sealed class FileTransferParserTests
{
    [Fact]
    public void PutRecords_DataEventsAreTheFileBytesAtTheirOffsets()
    {
        var (stream, file) = Put(seed: 1);
        var events = new RecordingEvents();

        Feed(new FileTransferParser(events), stream, split: 1000, new Random(2));

        Assert.Empty(events.Stops);
        Assert.Equal("/rw/dir/disk.img", Assert.Single(events.Events.OfType<ParserEvent.Opened>()).Name);
        Assert.Single(events.Events.OfType<ParserEvent.Closed>());
        Assert.Equal(3, events.Data.Count());
        foreach (var data in events.Data)
        {
            Assert.Equal(FileDataKind.Write, data.Kind);
            Assert.True(stream.AsSpan((int)data.StreamOffset, data.Length).SequenceEqual(file.AsSpan((int)data.FileOffset, data.Length)));
        }

        Assert.Equal([0L, 2 * 65536L, 4 * 65536L], events.Data.Select(d => d.FileOffset)); // HOLE and COPY move the position
    }

    [Fact]
    public void HostileRecords_StopOnceAndNeverThrow()
    {
        var (stream, _) = Put(seed: 3);
        var random = new Random(4);
        for (var i = 0; i < 500; i++)
        {
            var copy = (byte[])stream.Clone();
            for (var n = random.Next(1, 6); n > 0; n--)
            {
                copy[random.Next(copy.Length)] = (byte)random.Next(256);
            }

            var events = new RecordingEvents();
            Feed(new FileTransferParser(events), copy, split: random.Next(1, 100_000), random);
            events.AssertWellFormed();
        }

        var oversized = new byte[] { (byte)RecordType.Data, 0, 0, 2, 0 }; // 128 KiB DATA: over its 64 KiB limit
        var stopped = new RecordingEvents();
        var parser = new FileTransferParser(stopped);
        parser.Feed(StreamDirection.ToServer, new ReadOnlySequence<byte>(oversized));
        Assert.True(parser.Stopped);
        Assert.Empty(stopped.Data);
    }

    /// <summary>A PUT's records: REQUEST, DATA, HOLE (64 KiB), DATA, COPY (64 KiB), a short DATA, END.</summary>
    private static (byte[] Stream, byte[] File) Put(int seed)
    {
        var file = new byte[(4 * 65536) + 1000];
        new Random(seed).NextBytes(file);
        file.AsSpan(65536, 65536).Clear();
        var pipe = new Pipe();
        var writer = new RecordWriter(pipe.Writer);
        new TransferRequest(TransferOp.Put, TransferFlags.None, SendPolicy.Exact, "/rw/dir", "disk.img", file.Length, 0, 0x1a4).Write(writer);
        writer.Write(RecordType.Data, file.AsSpan(0, 65536));
        writer.WriteLength(RecordType.Hole, 65536);
        writer.Write(RecordType.Data, file.AsSpan(2 * 65536, 65536));
        writer.WriteLength(RecordType.Copy, 65536);
        writer.Write(RecordType.Data, file.AsSpan(4 * 65536));
        writer.Write(RecordType.End, new byte[72]);
        pipe.Writer.Complete();
        pipe.Reader.TryRead(out var result);
        return (result.Buffer.ToArray(), file);
    }

    private static void Feed(FileTransferParser parser, byte[] stream, int split, Random random)
    {
        for (var at = 0; at < stream.Length;)
        {
            var n = Math.Min(stream.Length - at, random.Next(1, split + 1));
            parser.Feed(StreamDirection.ToServer, new ReadOnlySequence<byte>(stream, at, n));
            at += n;
        }
    }
}
