using System.Security.Cryptography;
using WanAccel.Core.Codec;
using WanAccel.Core.Knowledge;
using WanAccel.Core.Storage;

namespace WanAccel.Core.Tests.Support;

/// <summary>
/// One sending side (encoder options + peer knowledge) and one receiving side (a real on-disk chunk store) in a temp dir,
/// with helpers to push a buffer through and get back the decoded bytes and both sides' statistics.
/// </summary>
internal sealed class EngineHarness : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("wanaccel-engine-").FullName;
    private int _storeGeneration;

    public EngineHarness(StreamEncoderOptions? options = null, long storeCapacity = 256L << 20)
    {
        Options = options ?? new StreamEncoderOptions();
        StoreCapacity = storeCapacity;
        Knowledge = new PeerKnowledge(storeCapacity);
        Store = OpenStore();
    }

    public StreamEncoderOptions Options { get; }

    public long StoreCapacity { get; }

    public PeerKnowledge Knowledge { get; }

    public LogChunkStore Store { get; private set; }

    public string StorePath => Path.Combine(_root, $"store{_storeGeneration}");

    /// <summary>The receiving side loses its store (restart with an empty disk); the sender is not told.</summary>
    public void WipeStore()
    {
        Store.Dispose();
        _storeGeneration++;
        Store = OpenStore();
    }

    /// <summary>Closes and reopens the receiving store from disk.</summary>
    public void ReopenStore()
    {
        Store.Dispose();
        Store = OpenStore();
    }

    /// <summary>Encodes <paramref name="input"/> (fed in pieces of <paramref name="readBytes"/>) and decodes it; returns the result.</summary>
    public TransferResult Transfer(byte[] input, int readBytes = 16 << 20) => Transfer(input, [], readBytes);

    /// <summary>As <see cref="Transfer(byte[], int)"/>, with chunk boundaries asked for at <paramref name="cuts"/> (ascending).</summary>
    public TransferResult Transfer(byte[] input, IEnumerable<long> cuts, int readBytes = 16 << 20)
    {
        using var encoder = new StreamEncoder(Options, Knowledge);
        foreach (var cut in cuts)
        {
            encoder.CutAt(cut);
        }

        var frames = new FrameBuffer();
        LocalTransfer.Encode(new MemoryStream(input, writable: false), encoder, frames, readBytes);
        return Decode(input, encoder, frames);
    }

    /// <summary>Writes <paramref name="input"/> to a file, encodes it from a memory mapping and decodes it; returns the result.</summary>
    public TransferResult TransferFile(byte[] input, int windowBytes)
    {
        var path = Path.Combine(_root, $"input-{Guid.NewGuid():N}");
        File.WriteAllBytes(path, input);
        using var encoder = new StreamEncoder(Options, Knowledge);
        var frames = new FrameBuffer();
        LocalTransfer.EncodeFile(path, encoder, frames, windowBytes);
        File.Delete(path);
        return Decode(input, encoder, frames);
    }

    /// <summary>
    /// Encodes <paramref name="input"/> up to <paramref name="passthroughFrom"/> normally (the segmenter's unconsumed tail
    /// included in what follows) and the rest as Passthrough frames, then decodes it; returns the result.
    /// </summary>
    public TransferResult TransferPassthrough(byte[] input, int passthroughFrom)
    {
        using var encoder = new StreamEncoder(Options, Knowledge);
        var frames = new FrameBuffer();
        var consumed = encoder.Encode(input.AsMemory(0, passthroughFrom), isFinal: false, frames);
        encoder.EncodePassthrough(input.AsSpan(consumed), frames);
        encoder.Complete(frames);
        return Decode(input, encoder, frames);
    }

    public static string Sha256(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    public void Dispose()
    {
        Store.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private TransferResult Decode(byte[] input, StreamEncoder encoder, FrameBuffer frames)
    {
        var output = new MemoryDecoderOutput();
        var feedback = new FeedbackQueue();
        using var decoder = new StreamDecoder(Store, output, feedback);
        LocalTransfer.Decode(frames.Blocks, decoder, feedback, encoder, (offset, length) => input.AsMemory((int)offset, length));
        return new TransferResult(output.ToArray(), encoder.Statistics, decoder.Statistics, frames);
    }

    private LogChunkStore OpenStore() => LogChunkStore.Open(new ChunkStoreOptions
    {
        Path = StorePath,
        CapacityBytes = StoreCapacity,
        SegmentBytes = Math.Min(StoreCapacity / 8, 64L << 20),
    });
}

internal sealed record TransferResult(byte[] Output, EncodeStatistics Encoded, DecodeStatistics Decoded, FrameBuffer Frames);
