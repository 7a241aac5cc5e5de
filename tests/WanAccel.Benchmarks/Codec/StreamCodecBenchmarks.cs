using BenchmarkDotNet.Attributes;
using WanAccel.Core.Codec;
using WanAccel.Core.Knowledge;
using WanAccel.Core.Storage;

namespace WanAccel.Benchmarks.Codec;

/// <summary>
/// The whole engine on 64 MiB of disk-like data (files, zeros, duplicates): cold encode (nothing known), warm encode
/// (everything known), warm decode (everything from the store). Frames go to a discarding sink, so the allocation
/// column is the engine's own: per stream (encoder/decoder arrays, ~0.4 MB) and per 4 MiB step or 512 KiB manifest,
/// nothing per chunk (~7,000 chunks here).
/// </summary>
[MemoryDiagnoser]
public class StreamCodecBenchmarks
{
    private readonly StreamEncoderOptions _options = new();
    private string _dir = "";
    private byte[] _input = [];
    private LogChunkStore _store = null!;
    private PeerKnowledge _warmKnowledge = null!;
    private FrameBuffer _warmFrames = null!;
    private NullOutput _output = null!;
    private readonly DiscardingWriter _sink = new();

    [GlobalSetup]
    public void Setup()
    {
        _input = DiskLike(64 << 20);
        _dir = Directory.CreateTempSubdirectory("wanaccel-bench-").FullName;
        _store = LogChunkStore.Open(new ChunkStoreOptions { Path = _dir, CapacityBytes = 1L << 30 });
        _warmKnowledge = new PeerKnowledge(1L << 30);
        _output = new NullOutput();

        // Prime the store and the knowledge with one cold transfer, then record the warm frame stream.
        var cold = Encode(_warmKnowledge);
        DecodeFrames(cold);
        _warmFrames = Encode(_warmKnowledge);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Benchmark(Description = "encode 64 MiB cold")]
    public long EncodeCold() => EncodeDiscarding(new PeerKnowledge(1L << 30));

    [Benchmark(Description = "encode 64 MiB warm")]
    public long EncodeWarm() => EncodeDiscarding(_warmKnowledge);

    [Benchmark(Description = "decode 64 MiB warm")]
    public long DecodeWarm() => DecodeFrames(_warmFrames);

    private FrameBuffer Encode(PeerKnowledge knowledge)
    {
        using var encoder = new StreamEncoder(_options, knowledge);
        var frames = new FrameBuffer();
        encoder.Encode(_input, isFinal: true, frames);
        encoder.Complete(frames);
        return frames;
    }

    private long EncodeDiscarding(PeerKnowledge knowledge)
    {
        using var encoder = new StreamEncoder(_options, knowledge);
        encoder.Encode(_input, isFinal: true, _sink);
        encoder.Complete(_sink);
        return encoder.Statistics.WireBytes;
    }

    private long DecodeFrames(FrameBuffer frames)
    {
        var feedback = new FeedbackQueue();
        using var decoder = new StreamDecoder(_store, _output, feedback);
        foreach (var block in frames.Blocks)
        {
            decoder.Decode(block.Span);
        }

        if (!decoder.IsComplete)
        {
            throw new InvalidOperationException("decode did not complete");
        }

        return decoder.Delivered;
    }

    private static byte[] DiskLike(int length)
    {
        var rng = new Random(4);
        var data = new byte[length];
        var files = Directory.EnumerateFiles("/usr/bin").Order(StringComparer.Ordinal).Select(File.ReadAllBytes).Where(b => b.Length > 0).Take(400).ToList();
        var p = 0;
        while (p < length)
        {
            var file = files[rng.Next(files.Count)];
            var n = Math.Min(file.Length, length - p);
            file.AsSpan(0, n).CopyTo(data.AsSpan(p));
            p += n + (rng.Next(4) == 0 ? rng.Next(1, 64) * 4096 : 0);
            p = (p + 4095) & ~4095;
        }

        return data;
    }

    /// <summary>Discards frames (the encode cost without a sink's cost).</summary>
    private sealed class DiscardingWriter : System.Buffers.IBufferWriter<byte>
    {
        private readonly byte[] _buffer = new byte[WanAccel.Core.Wire.WireLimits.MaxFrame * 2];

        public void Advance(int count)
        {
        }

        public Memory<byte> GetMemory(int sizeHint = 0) => _buffer;

        public Span<byte> GetSpan(int sizeHint = 0) => _buffer;
    }

    /// <summary>Discards output (the decode cost without a sink's cost).</summary>
    private sealed class NullOutput : IDecoderOutput
    {
        private readonly byte[] _buffer = new byte[WanAccel.Core.ChunkLimits.MaxChunkSize * 4];

        public Span<byte> GetSpan(int sizeHint) => _buffer;

        public void Advance(int count)
        {
        }

        public void WriteZeros(long count)
        {
        }
    }
}
