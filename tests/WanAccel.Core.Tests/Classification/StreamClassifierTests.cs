using System.Buffers.Binary;
using System.Text;
using WanAccel.Core.Classification;
using WanAccel.Core.Tests.Support;

namespace WanAccel.Core.Tests.Classification;

public sealed class StreamClassifierTests
{
    private const int Sample = StreamClassifier.SampleBytes;

    [Fact]
    public async Task Classify_RealTlsSession_BothDirectionsTls()
    {
        var (client, server) = await WireCaptures.TlsSessionAsync(100_000);

        Assert.Equal(StreamClass.Tls, StreamClassifier.Classify(client, isComplete: false));
        Assert.Equal(StreamClass.Tls, StreamClassifier.Classify(server, isComplete: false));
        // A ClientHello record header alone decides.
        Assert.Equal(StreamClass.Tls, StreamClassifier.Classify(client.AsSpan(0, 5), isComplete: true));
    }

    [Fact]
    public void Classify_SshBanner_Ssh()
    {
        var banner = Encoding.ASCII.GetBytes("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n");

        Assert.Equal(StreamClass.Ssh, StreamClassifier.Classify(banner, isComplete: false));
        Assert.Equal(StreamClass.Ssh, StreamClassifier.Classify("SSH-2.0-OpenSSH_9.2"u8, isComplete: false));
    }

    [Fact]
    public void Classify_GzipAndZstdOfRealData_Compressed()
    {
        var data = WireCaptures.CoreLibrary(4 << 20);

        Assert.Equal(StreamClass.Compressed, StreamClassifier.Classify(WireCaptures.Gzip(data), isComplete: false));
        Assert.Equal(StreamClass.Compressed, StreamClassifier.Classify(WireCaptures.Zstd(data), isComplete: false));
        // The magic alone no longer decides: it names only the first file of what may be an archive or a disk.
        Assert.Equal(StreamClass.Undecided, StreamClassifier.Classify(WireCaptures.Zstd(data, 19).AsSpan(0, 16), isComplete: false));
    }

    [Fact]
    public void Classify_SmallGzipThenText_Dedupable()
    {
        var gzip = WireCaptures.Gzip(WireCaptures.CoreLibrary(16 << 10));
        var text = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("volume extent inode journal superblock\n", 2000)));
        var head = gzip.Concat(text).ToArray();

        Assert.Equal(StreamClass.Dedupable, StreamClassifier.Classify(head, isComplete: false));
    }

    [Fact]
    public void Classify_CompressedWithoutMagic_HighEntropy()
    {
        // Raw deflate has no magic: the entropy test and the LZ4 probe find it.
        var deflated = WireCaptures.Deflate(WireCaptures.CoreLibrary(8 << 20));

        Assert.Equal(StreamClass.HighEntropy, StreamClassifier.Classify(deflated, isComplete: false));
    }

    [Theory]
    [InlineData("xz", new byte[] { 0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00 })]
    [InlineData("zip", new byte[] { 0x50, 0x4B, 0x03, 0x04 })]
    [InlineData("7z", new byte[] { 0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C })]
    [InlineData("lz4", new byte[] { 0x04, 0x22, 0x4D, 0x18 })]
    [InlineData("rar", new byte[] { 0x52, 0x61, 0x72, 0x21, 0x1A, 0x07 })]
    [InlineData("bzip2", new byte[] { 0x42, 0x5A, 0x68, 0x39, 0x31, 0x41, 0x59, 0x26, 0x53, 0x59 })]
    [InlineData("png", new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A })]
    [InlineData("jpeg", new byte[] { 0xFF, 0xD8, 0xFF, 0xE0 })]
    [InlineData("mp4", new byte[] { 0, 0, 0, 0x20, 0x66, 0x74, 0x79, 0x70 })]
    [InlineData("webm", new byte[] { 0x1A, 0x45, 0xDF, 0xA3 })]
    public void Classify_CompressedFormatMagic_CompressedOnceTheSampleIsHighEntropy(string format, byte[] magic)
    {
        var head = magic.Concat(Samples.Random(Sample, 51)).ToArray();

        Assert.True(StreamClassifier.Classify(head.AsSpan(0, 100), isComplete: false) == StreamClass.Undecided, format);
        Assert.True(StreamClassifier.Classify(head, isComplete: false) == StreamClass.Compressed, format);
    }

    [Fact]
    public void Classify_RandomBytes_HighEntropyOnceSampled()
    {
        var random = Samples.Random(Sample, 52);

        Assert.Equal(StreamClass.Undecided, StreamClassifier.Classify(random.AsSpan(0, Sample - 1), isComplete: false));
        Assert.Equal(StreamClass.HighEntropy, StreamClassifier.Classify(random, isComplete: false));
        Assert.Equal(StreamClass.HighEntropy, StreamClassifier.Classify(random.AsSpan(0, 8 << 10), isComplete: true));
        // Too few bytes to judge: a pause with 1 KiB waiting keeps the stream dedupable.
        Assert.Equal(StreamClass.Dedupable, StreamClassifier.Classify(random.AsSpan(0, 1 << 10), isComplete: true));
    }

    [Fact]
    public void Classify_RandomBlocksRepeated_Dedupable()
    {
        // Byte statistics of random data, but a disk image's duplicate blocks: the LZ4 probe sees the repeats.
        var block = Samples.Random(8 << 10, 53);
        var repeated = Enumerable.Repeat(block, 8).SelectMany(b => b).ToArray();

        Assert.Equal(StreamClass.Dedupable, StreamClassifier.Classify(repeated, isComplete: false));
    }

    [Fact]
    public void Classify_StructuredData_Dedupable()
    {
        Assert.Equal(StreamClass.Dedupable, StreamClassifier.Classify(Samples.Text(Sample, 54), isComplete: false));
        Assert.Equal(StreamClass.Dedupable, StreamClassifier.Classify(new byte[Sample], isComplete: false));
        Assert.Equal(StreamClass.Dedupable, StreamClassifier.Classify(WireCaptures.CoreLibrary(Sample), isComplete: false));
        Assert.Equal(StreamClass.Dedupable, StreamClassifier.Classify(WireCaptures.Ext4ImageHead(Sample), isComplete: false));
        Assert.Equal(StreamClass.Dedupable, StreamClassifier.Classify(Samples.DiskLike(Sample, 55), isComplete: false));
    }

    [Fact]
    public void Classify_HttpResponseWithGzipBody_Dedupable()
    {
        var body = WireCaptures.Gzip(WireCaptures.CoreLibrary(1 << 20));
        var response = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: {body.Length}\r\n\r\n").Concat(body).ToArray();
        var request = Encoding.ASCII.GetBytes("GET /disk.img HTTP/1.1\r\nHost: files\r\n\r\n");

        Assert.Equal(StreamClass.Dedupable, StreamClassifier.Classify(response, isComplete: false));
        Assert.Equal(StreamClass.Dedupable, StreamClassifier.Classify(request, isComplete: true));
        Assert.Equal(StreamClass.Dedupable, StreamClassifier.Classify("@RSYNCD: 31.0\n"u8, isComplete: false));
    }

    [Fact]
    public void Classify_SmbAndNfsCarryingCompressedFiles_Dedupable()
    {
        var payload = Samples.Random(Sample, 56);
        var smb = new byte[] { 0x00, 0x01, 0x00, 0x44, 0xFE, 0x53, 0x4D, 0x42 }.Concat(payload).ToArray();
        var nfs = new byte[16];
        BinaryPrimitives.WriteUInt32BigEndian(nfs, 0x8000_0000u | (uint)payload.Length);
        BinaryPrimitives.WriteUInt32BigEndian(nfs.AsSpan(4), 0x1234_5678);
        BinaryPrimitives.WriteUInt32BigEndian(nfs.AsSpan(8), 1); // REPLY
        var nfsReply = nfs.Concat(payload).ToArray();
        BinaryPrimitives.WriteUInt32BigEndian(nfs.AsSpan(8), 0); // CALL
        BinaryPrimitives.WriteUInt32BigEndian(nfs.AsSpan(12), 2); // rpcvers
        var nfsCall = nfs.Concat(payload).ToArray();

        Assert.Equal(StreamClass.Dedupable, StreamClassifier.Classify(smb, isComplete: false));
        Assert.Equal(StreamClass.Dedupable, StreamClassifier.Classify(nfsReply, isComplete: false));
        Assert.Equal(StreamClass.Dedupable, StreamClassifier.Classify(nfsCall, isComplete: false));
    }

    [Fact]
    public void Classify_FewBytes_UndecidedUntilPauseOrEnd()
    {
        Assert.Equal(StreamClass.Undecided, StreamClassifier.Classify([0x16, 0x03, 0x01], isComplete: false));
        Assert.Equal(StreamClass.Undecided, StreamClassifier.Classify([], isComplete: false));
        Assert.Equal(StreamClass.Dedupable, StreamClassifier.Classify([0x16, 0x03, 0x01], isComplete: true));
        Assert.Equal(StreamClass.Dedupable, StreamClassifier.Classify([], isComplete: true));
    }

    [Fact]
    public void Classify_TlsLikeHeaderWithImplausibleLength_NotTls()
    {
        byte[] head = [0x16, 0x03, 0x01, 0xFF, 0xFF, .. Samples.Text(100, 57)];

        Assert.NotEqual(StreamClass.Tls, StreamClassifier.Classify(head, isComplete: true));
    }

    [Fact]
    public void Classify_AnyBytes_NeverThrows()
    {
        var rng = new Random(58);
        for (var i = 0; i < 2000; i++)
        {
            var head = Samples.Random(rng.Next(0, 300), i);
            var result = StreamClassifier.Classify(head, rng.Next(2) == 0);

            Assert.True(Enum.IsDefined(result));
        }
    }

    [Fact]
    public void PassesThrough_EncryptedCompressedRandom_OnlyThose()
    {
        Assert.False(StreamClassifier.PassesThrough(StreamClass.Undecided));
        Assert.False(StreamClassifier.PassesThrough(StreamClass.Dedupable));
        Assert.True(StreamClassifier.PassesThrough(StreamClass.Tls));
        Assert.True(StreamClassifier.PassesThrough(StreamClass.Ssh));
        Assert.True(StreamClassifier.PassesThrough(StreamClass.Compressed));
        Assert.True(StreamClassifier.PassesThrough(StreamClass.HighEntropy));
    }
}
