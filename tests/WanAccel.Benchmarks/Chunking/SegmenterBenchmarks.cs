using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using WanAccel.Core.Chunking;

namespace WanAccel.Benchmarks.Chunking;

/// <summary>
/// <see cref="Segmenter.NextBatch"/> over 64 MiB in one buffer with default options: random bytes (pure FastCDC cost)
/// and a disk-like mix of random and zero stretches (half zeros, 4–256 KiB each). The throughput column is input bytes per second.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class SegmenterBenchmarks
{
    private const int Size = 64 << 20;

    private readonly Segment[] _output = new Segment[256];
    private readonly Segmenter _segmenter = new();
    private byte[] _random = [];
    private byte[] _halfZeros = [];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        _random = new byte[Size];
        rng.NextBytes(_random);

        _halfZeros = new byte[Size];
        rng.NextBytes(_halfZeros);
        bool zero = false;
        for (int offset = 0; offset < Size; zero = !zero)
        {
            int length = Math.Min(Size - offset, rng.Next(4 << 10, 256 << 10));
            if (zero)
            {
                _halfZeros.AsSpan(offset, length).Clear();
            }

            offset += length;
        }
    }

    [Benchmark(Baseline = true)]
    public int RandomData() => Run(_random);

    [Benchmark]
    public int HalfZeros() => Run(_halfZeros);

    /// <returns>Segments produced, so the work cannot be elided.</returns>
    private int Run(ReadOnlySpan<byte> data)
    {
        _segmenter.Reset();
        int segments = 0;
        int count;
        while ((count = _segmenter.NextBatch(data, isFinal: true, _output)) > 0)
        {
            for (int i = 0; i < count; i++)
            {
                data = data[_output[i].Length..];
            }

            segments += count;
        }

        return segments;
    }

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new ThroughputColumn(Size));
    }
}
