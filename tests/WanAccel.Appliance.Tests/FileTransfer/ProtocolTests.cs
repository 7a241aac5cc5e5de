using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Microsoft.Extensions.Logging.Abstractions;
using WanAccel.Appliance.FileTransfer;
using WanAccel.Appliance.FileTransfer.Protocol;
using WanAccel.Appliance.Interception;

namespace WanAccel.Appliance.Tests.FileTransfer;

/// <summary>Every record is hostile: bounded before buffering, typed errors, and a fuzzed server that always answers and never leaves its export.</summary>
public sealed class ProtocolTests
{
    [Theory]
    [InlineData(0x63, 4, "unknown record type")]
    [InlineData((byte)RecordType.Data, ProtocolLimits.MaxDataLength + 1, "exceeds its limit")]
    [InlineData((byte)RecordType.Request, ProtocolLimits.MaxControlPayload + 1, "exceeds its limit")]
    [InlineData((byte)RecordType.Hole, 9, "exceeds its limit")]
    [InlineData((byte)RecordType.Basis, ProtocolLimits.MaxPayload + 1, "exceeds its limit")]
    public async Task ReadAsync_BadHeader_FailsBeforeThePayloadArrives(byte type, int length, string message)
    {
        var pipe = new Pipe();
        var header = new byte[ProtocolLimits.HeaderLength];
        header[0] = type;
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(1), (uint)length);
        await pipe.Writer.WriteAsync(header); // no payload, and the writer stays open: a wait would hang

        var error = await Assert.ThrowsAsync<FileTransferException>(() => new RecordReader(pipe.Reader).ReadAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal(TransferStatus.ProtocolError, error.Status);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_StreamEndsInsideARecord_IsAProtocolError_AndBetweenRecordsIsTheEnd()
    {
        var pipe = new Pipe();
        var writer = new RecordWriter(pipe.Writer);
        writer.WriteLength(RecordType.Hole, 4096);
        await writer.FlushAsync(CancellationToken.None);
        await pipe.Writer.WriteAsync(new byte[] { (byte)RecordType.Data, 10, 0, 0, 0, 1, 2 });
        await pipe.Writer.CompleteAsync();
        var reader = new RecordReader(pipe.Reader);

        Assert.Equal(RecordType.Hole, await reader.ReadAsync(CancellationToken.None));
        Assert.Equal(8, reader.Payload.Length);
        reader.Release();
        var error = await Assert.ThrowsAsync<FileTransferException>(() => reader.ReadAsync(CancellationToken.None).AsTask());
        Assert.Contains("ended inside a record", error.Message, StringComparison.Ordinal);

        var clean = new Pipe();
        await clean.Writer.CompleteAsync();
        Assert.Equal(RecordType.EndOfStream, await new RecordReader(clean.Reader).ReadAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Request_RoundTrips_AndRejectsAPathInTheName()
    {
        var request = new TransferRequest(TransferOp.Put, TransferFlags.Resume | TransferFlags.Preserve, SendPolicy.SkipGuestFree, "/rw/dir/", "vm.vmdk", 123, 456, 0x1A4);
        Assert.Equal(request, await RoundTripAsync(w => request.Write(w), TransferRequest.Parse));

        var evil = request with { Name = "../x" };
        var error = await Assert.ThrowsAsync<FileTransferException>(() => RoundTripAsync(w => evil.Write(w), TransferRequest.Parse));
        Assert.Equal(TransferStatus.PathEscapes, error.Status);
    }

    [Fact]
    public async Task Basis_RoundTrips_AndTheSenderKeepsOnlyItsOwnBlocks()
    {
        var dir = Directory.CreateTempSubdirectory("wanaccel-basis-");
        try
        {
            var file = Path.Combine(dir.FullName, "f");
            TestFiles.WriteDiskLike(file, 10, seed: 1);
            var basis = BasisIndex.Compute(file, CancellationToken.None, out var read);
            Assert.Equal(10, basis.BlockCount);
            Assert.Equal(7 * 64 * 1024, read); // the holes (blocks 1, 5, 9) are not read

            var pipe = new Pipe();
            var writer = new RecordWriter(pipe.Writer);
            await basis.WriteAsync(writer, CancellationToken.None);
            await writer.FlushAsync(CancellationToken.None);
            await pipe.Writer.CompleteAsync();
            var kept = await BasisIndex.ReadAsync(new RecordReader(pipe.Reader), 4 * 64 * 1024, CancellationToken.None);

            Assert.Equal(4, kept.BlockCount);
            var block = new byte[64 * 1024];
            using (var stream = File.OpenRead(file))
            {
                stream.ReadExactly(block);
            }

            var hash = new byte[16];
            BasisIndex.HashBlock(block, hash);
            Assert.True(kept.Matches(0, hash));
            Assert.False(kept.Matches(2, hash));
            Assert.False(kept.Matches(7, hash));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Server_FuzzedPutStreams_AlwaysAnswerAndNeverWriteOutsideTheExport()
    {
        var dir = Directory.CreateTempSubdirectory("wanaccel-fuzz-");
        try
        {
            var export = Directory.CreateDirectory(Path.Combine(dir.FullName, "export")).FullName;
            var server = new FileServer(new ExportResolver([new ExportOptions { Name = "rw", Path = export, Access = ExportAccess.ReadWrite }]), _ => default, NullLogger.Instance);
            var valid = await ValidPutStreamAsync(dir.FullName);
            var random = new Random(5);
            for (var i = 0; i < 300; i++)
            {
                var input = (byte[])valid.Clone();
                for (var m = random.Next(1, 6); m > 0; m--)
                {
                    input[random.Next(input.Length)] = (byte)random.Next(256);
                }

                var cut = random.Next(4) == 0 ? random.Next(input.Length) : input.Length;
                var (records, last) = await ServeAsync(server, input.AsMemory(0, cut));
                Assert.True(last is RecordType.Result or RecordType.Error || (records == 0 && cut < ProtocolLimits.HeaderLength), $"iteration {i}: {records} records, the last {last}");
            }

            Assert.Equal(["export", "src"], Directory.GetFileSystemEntries(dir.FullName).Select(p => Path.GetFileName(p)!).Order(StringComparer.Ordinal).ToArray());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static async Task<byte[]> ValidPutStreamAsync(string dir)
    {
        var source = Path.Combine(dir, "src");
        TestFiles.WriteDiskLike(source, 6, seed: 2);
        var plan = SourcePlan.Build(source, SendPolicy.Exact);
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        var writer = new RecordWriter(pipe.Writer);
        new TransferRequest(TransferOp.Put, TransferFlags.Resume, SendPolicy.Exact, "/rw/sub/", "f.img", plan.Length).Write(writer);
        await FileSender.SendAsync(source, plan, BasisIndex.Empty, writer, null, CancellationToken.None);
        await pipe.Writer.CompleteAsync();
        var result = await pipe.Reader.ReadAsync();
        var bytes = result.Buffer.ToArray();
        pipe.Reader.AdvanceTo(result.Buffer.End);
        return bytes;
    }

    /// <summary>Runs the server on <paramref name="input"/> (then end of stream); returns how many records it wrote and the last one's type.</summary>
    private static async Task<(int Records, RecordType Last)> ServeAsync(FileServer server, ReadOnlyMemory<byte> input)
    {
        var toServer = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        var fromServer = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        await toServer.Writer.WriteAsync(input);
        await toServer.Writer.CompleteAsync();
        await server.RunAsync(new DuplexPipe(toServer.Reader, fromServer.Writer), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));
        var reader = new RecordReader(fromServer.Reader);
        var (count, last) = (0, RecordType.EndOfStream);
        while (await reader.ReadAsync(CancellationToken.None) is var type && type != RecordType.EndOfStream)
        {
            (count, last) = (count + 1, type);
            reader.Release();
        }

        return (count, last);
    }

    private static async Task<T> RoundTripAsync<T>(Action<RecordWriter> write, Func<ReadOnlySequence<byte>, T> parse)
    {
        var pipe = new Pipe();
        var writer = new RecordWriter(pipe.Writer);
        write(writer);
        await writer.FlushAsync(CancellationToken.None);
        var reader = new RecordReader(pipe.Reader);
        await reader.ReadAsync(CancellationToken.None);
        var value = parse(reader.Payload);
        reader.Release();
        return value;
    }
}
