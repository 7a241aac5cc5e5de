using BenchmarkDotNet.Attributes;
using WanAccel.Core.Fingerprints;

namespace WanAccel.Benchmarks.Codec;

/// <summary>SHA-256 chunk naming on 8 KiB chunks (SHA-NI): the fingerprint cost per chunk.</summary>
[MemoryDiagnoser]
public class FingerprintBenchmarks
{
    private readonly byte[] _data = new byte[64 << 20];

    [GlobalSetup]
    public void Setup() => new Random(1).NextBytes(_data);

    [Benchmark(Description = "SHA-256 of 8 KiB chunks over 64 MiB")]
    public ulong Sha256Chunks()
    {
        ulong x = 0;
        for (var offset = 0; offset < _data.Length; offset += 8192)
        {
            x ^= ChunkId.Compute(_data.AsSpan(offset, 8192)).Prefix;
        }

        return x;
    }
}
