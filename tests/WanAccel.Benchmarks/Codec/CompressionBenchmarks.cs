using BenchmarkDotNet.Attributes;
using WanAccel.Core.Compression;

namespace WanAccel.Benchmarks.Codec;

/// <summary>
/// Literal batch compression (1 MiB batches, as the encoder sends them) for each codec, on text-like, random and real
/// data ("binaries": /usr/bin). The codec ladder's speeds (AdaptiveCodecPolicy) come from these figures.
/// </summary>
[MemoryDiagnoser]
public class CompressionBenchmarks
{
    private readonly byte[] _output = new byte[(2 << 20) + 4096];
    private readonly LiteralDecompressor _decompressor = new();
    private byte[] _input = [];
    private byte[] _compressed = [];
    private int _compressedLength;
    private LiteralCompressor _compressor = null!;

    [Params("lz4", "zstd:1", "zstd:3", "zstd:9", "zstd:15")]
    public string Codec { get; set; } = "lz4";

    [Params("text", "random", "binaries")]
    public string Data { get; set; } = "text";

    [GlobalSetup]
    public void Setup()
    {
        _input = Data switch
        {
            "random" => Random(1 << 20),
            "binaries" => Classification.RealSample.Binaries(1 << 20),
            _ => Text(1 << 20),
        };
        if (!CodecSpec.TryParse(Codec, out var spec))
        {
            throw new ArgumentException($"bad codec {Codec}");
        }

        _compressor = spec.CreateCompressor()!;
        _compressed = new byte[_compressor.MaxCompressedLength(_input.Length)];
        _compressedLength = _compressor.TryCompress(_input, _compressed);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _compressor.Dispose();
        _decompressor.Dispose();
    }

    [Benchmark(Description = "compress 1 MiB")]
    public int Compress() => _compressor.TryCompress(_input, _output);

    [Benchmark(Description = "decompress 1 MiB")]
    public int Decompress()
    {
        if (_compressedLength < 0)
        {
            return 0; // incompressible: travels raw, nothing to decompress
        }

        _decompressor.Decompress(_compressor.Kind, _compressed.AsSpan(0, _compressedLength), _output.AsSpan(0, _input.Length));
        return _input.Length;
    }

    private static byte[] Random(int length)
    {
        var data = new byte[length];
        new Random(2).NextBytes(data);
        return data;
    }

    private static byte[] Text(int length)
    {
        string[] words = ["disk", "block", "sector", "the", "of", "image", "volume", "inode", "\n", "0x1F", "kernel", "superblock"];
        var rng = new Random(3);
        var data = new byte[length];
        for (var p = 0; p < length;)
        {
            foreach (var c in words[rng.Next(words.Length)] + " ")
            {
                if (p < length)
                {
                    data[p++] = (byte)c;
                }
            }
        }

        return data;
    }
}
