using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using Microsoft.Win32.SafeHandles;
using WanAccel.Core;
using WanAccel.Core.Fingerprints;
using WanAccel.Core.Storage;

namespace WanAccel.Benchmarks.Storage;

/// <summary>
/// <see cref="LogChunkStore"/> with 8 KiB chunks, per chunk (OperationsPerInvoke). The stores live on tmpfs
/// (/dev/shm) so the figures are the CPU + syscall path "into the page cache"; fsync on seal is free there, on disk
/// sustained ingest is bounded by the device. TryAdd and AddRange run at steady state (a 1 GiB store that keeps evicting).
/// RawPwrite/RawPread are the floor: one bare 8 KiB syscall on the same tmpfs, so the ratio is the store's overhead
/// even on a loaded machine.
/// Run: <c>dotnet run -c Release --project tests/WanAccel.Benchmarks -- --filter '*Store*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class ChunkStoreBenchmarks
{
    private const int ChunkSize = 8 * 1024;
    private const int Batch = 4096;
    private const int ReadChunks = 65_536; // 512 MiB, far beyond the CPU caches
    private const long RawFileBytes = 256L << 20;

    private readonly byte[] _pool = new byte[4 << 20];
    private readonly byte[] _destination = new byte[ChunkLimits.MaxChunkSize];
    private string _root = "";
    private LogChunkStore _addStore = null!;
    private LogChunkStore _readStore = null!;
    private SafeFileHandle _raw = null!;
    private ChunkId[] _readIds = [];
    private ulong _next;
    private int _readCursor;

    [GlobalSetup]
    public void Setup()
    {
        new Random(1).NextBytes(_pool);
        string parent = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        _root = Directory.CreateDirectory(Path.Combine(parent, $"wanaccel-bench-{Environment.ProcessId}")).FullName;
        _addStore = LogChunkStore.Open(Options("add", 1L << 30));
        var readOptions = Options("read", 2L << 30);
        using (var filler = LogChunkStore.Open(readOptions))
        {
            _readIds = new ChunkId[ReadChunks];
            for (int i = 0; i < ReadChunks; i++)
            {
                _readIds[i] = NextId();
                filler.TryAdd(_readIds[i], Data(i));
            }
        }

        _readStore = LogChunkStore.Open(readOptions);
        new Random(2).Shuffle(_readIds); // random order: no help from readahead or neighbouring records
        _raw = File.OpenHandle(Path.Combine(_root, "raw"), FileMode.Create, FileAccess.ReadWrite);
        for (long offset = 0; offset < RawFileBytes; offset += ChunkSize)
        {
            RandomAccess.Write(_raw, _pool.AsSpan(0, ChunkSize), offset);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _raw.Dispose();
        _addStore.Dispose();
        _readStore.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public bool TryAdd()
    {
        bool added = false;
        for (int i = 0; i < Batch; i++)
        {
            added = _addStore.TryAdd(NextId(), Data(i));
        }

        return added;
    }

    /// <summary>As a decoder stores a 1 MiB literal frame: 128 chunks per call, one pwrite.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public int AddRange()
    {
        const int perFrame = 128;
        Span<ChunkId> ids = stackalloc ChunkId[perFrame];
        Span<int> lengths = stackalloc int[perFrame];
        lengths.Fill(ChunkSize);
        int added = 0;
        for (int frame = 0; frame < Batch / perFrame; frame++)
        {
            for (int i = 0; i < perFrame; i++)
            {
                ids[i] = NextId();
            }

            added += _addStore.AddRange(ids, lengths, _pool.AsSpan(frame % 3 * ChunkSize, perFrame * ChunkSize));
        }

        return added;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int TryRead() => ReadBatch(_readStore);

    [Benchmark(OperationsPerInvoke = Batch)]
    public long RawPwrite()
    {
        long offset = 0;
        for (int i = 0; i < Batch; i++)
        {
            offset = (offset + ChunkSize) % RawFileBytes;
            RandomAccess.Write(_raw, Data(i), offset);
        }

        return offset;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int RawPread()
    {
        int total = 0;
        for (int i = 0; i < Batch; i++)
        {
            long offset = (long)(uint)(NextReadId().Prefix % (RawFileBytes / ChunkSize)) * ChunkSize;
            total += RandomAccess.Read(_raw, _destination.AsSpan(0, ChunkSize), offset);
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int Contains()
    {
        int found = 0;
        for (int i = 0; i < Batch; i++)
        {
            found += _readStore.Contains(NextReadId()) ? 1 : 0;
        }

        return found;
    }

    private int ReadBatch(LogChunkStore store)
    {
        int total = 0;
        for (int i = 0; i < Batch; i++)
        {
            total += store.TryRead(NextReadId(), _destination);
        }

        return total;
    }

    private ref readonly ChunkId NextReadId()
    {
        if (++_readCursor == _readIds.Length)
        {
            _readCursor = 0;
        }

        return ref _readIds[_readCursor];
    }

    private ChunkId NextId()
    {
        Span<byte> raw = stackalloc byte[ChunkId.Size];
        ulong n = ++_next;
        BinaryPrimitives.WriteUInt64LittleEndian(raw, n * 0x9E3779B97F4A7C15UL); // distinct, well-spread prefixes
        BinaryPrimitives.WriteUInt64LittleEndian(raw[8..], n);
        return ChunkId.Read(raw);
    }

    private ReadOnlySpan<byte> Data(int i) => _pool.AsSpan(i * 61 % (_pool.Length - ChunkSize), ChunkSize);

    private ChunkStoreOptions Options(string name, long capacity) =>
        new() { Path = Path.Combine(_root, name), CapacityBytes = capacity };
}
