using System.Diagnostics;
using System.Security.Cryptography;
using WanAccel.Core.Codec;
using WanAccel.Core.Knowledge;
using WanAccel.Core.Storage;

namespace WanAccel.Cli.Bench;

/// <summary>
/// Cold then warm encode+decode of one file in one process: the decoder uses a temporary on-disk chunk store,
/// the encoder an in-memory model of it. Encode and decode are timed separately (encode into memory, then decode
/// into a temporary file); verification hashes the output file against the input outside the timed regions.
/// </summary>
internal sealed class EngineBench
{
    private readonly string _input;
    private readonly StreamEncoderOptions _options;
    private readonly long _storeCapacity;

    private readonly string _workRoot;

    /// <param name="workRoot">Where the temporary store and decoded outputs live (put it on tmpfs to measure the engine rather than the disk).</param>
    public EngineBench(string input, StreamEncoderOptions options, long storeCapacity, string workRoot)
    {
        _workRoot = workRoot;
        _input = input;
        _options = options;
        _storeCapacity = storeCapacity;
    }

    public EngineBenchResult Run(Action<string>? progress = null)
    {
        var inputBytes = new FileInfo(_input).Length;
        progress?.Invoke("hashing input");
        var inputHash = HashFile(_input);
        var work = Path.Combine(_workRoot, $"wanaccel-bench-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(work);
        try
        {
            using var store = LogChunkStore.Open(new ChunkStoreOptions
            {
                Path = Path.Combine(work, "store"),
                CapacityBytes = _storeCapacity,
            });
            var knowledge = new PeerKnowledge(_storeCapacity);
            using var inputFile = File.OpenHandle(_input);
            progress?.Invoke("cold pass");
            var cold = Pass(store, knowledge, inputFile, inputBytes, inputHash, Path.Combine(work, "cold.out"));
            progress?.Invoke("warm pass");
            var warm = Pass(store, knowledge, inputFile, inputBytes, inputHash, Path.Combine(work, "warm.out"));
            return new EngineBenchResult
            {
                Input = _input,
                InputBytes = inputBytes,
                Codec = _options.Codec.ToString(),
                AverageChunkBytes = _options.Chunking.AverageSize,
                Threads = _options.Parallelism,
                Cold = cold,
                Warm = warm,
            };
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private EnginePassResult Pass(
        LogChunkStore store, PeerKnowledge knowledge, Microsoft.Win32.SafeHandles.SafeFileHandle inputFile, long inputBytes, byte[] inputHash, string outputPath)
    {
        using var encoder = new StreamEncoder(_options, knowledge);
        var frames = new FrameBuffer();
        var clock = Stopwatch.StartNew();
        LocalTransfer.EncodeFile(_input, encoder, frames);

        var encodeSeconds = clock.Elapsed.TotalSeconds;
        var feedback = new FeedbackQueue();
        DecodeStatistics decoded;
        clock.Restart();
        using (var output = new FileDecoderOutput(outputPath))
        {
            using var decoder = new StreamDecoder(store, output, feedback);
            LocalTransfer.Decode(frames.Blocks, decoder, feedback, encoder, (offset, length) =>
            {
                var buffer = new byte[length];
                RandomAccess.Read(inputFile, buffer, offset);
                return buffer;
            });
            output.Complete();
            decoded = decoder.Statistics;
        }

        var decodeSeconds = clock.Elapsed.TotalSeconds;
        var verified = HashFile(outputPath).AsSpan().SequenceEqual(inputHash);
        File.Delete(outputPath);
        var s = encoder.Statistics;
        var wire = s.WireBytes;
        return new EnginePassResult
        {
            WireBytes = wire,
            Reduction = wire == 0 ? 0 : Math.Round((double)inputBytes / wire, 2),
            EncodeSeconds = Math.Round(encodeSeconds, 3),
            DecodeSeconds = Math.Round(decodeSeconds, 3),
            EncodeMBps = Math.Round(inputBytes / 1e6 / encodeSeconds, 1),
            DecodeMBps = Math.Round(inputBytes / 1e6 / decodeSeconds, 1),
            Chunks = s.Chunks,
            ZeroBytes = s.ZeroBytes,
            LiteralBytes = s.LiteralBytes,
            ReferencedBytes = s.RefBytes + s.ManifestRefBytes,
            ManifestRefs = s.ManifestRefs,
            Misses = decoded.Misses,
            Verified = verified,
        };
    }

    private static byte[] HashFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        return SHA256.HashData(stream);
    }
}
