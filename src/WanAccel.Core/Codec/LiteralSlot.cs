using System.Buffers;
using System.Runtime.ExceptionServices;
using WanAccel.Core.Compression;
using WanAccel.Core.Fingerprints;
using WanAccel.Core.Wire;

namespace WanAccel.Core.Codec;

/// <summary>
/// One Literals frame being decoded: its parsed header, its own decompressor, its decoded bytes and their
/// verification; in a run decoded in parallel also where its payload lies in the decoder's input and the error that
/// rejected it.
/// </summary>
internal sealed class LiteralSlot : IDisposable
{
    public ChunkId[] Ids { get; } = new ChunkId[WireLimits.MaxLiteralChunks];

    public int[] Lengths { get; } = new int[WireLimits.MaxLiteralChunks];

    /// <summary>Where each chunk starts in <see cref="Raw"/>.</summary>
    public int[] Offsets { get; } = new int[WireLimits.MaxLiteralChunks];

    public LiteralDecompressor Decompressor { get; } = new();

    public int Count { get; private set; }

    public CodecKind Codec { get; private set; }

    public int RawLength { get; private set; }

    public int PayloadOffset { get; set; }

    public int PayloadLength { get; set; }

    /// <summary>The decoded bytes (pooled, <see cref="RawLength"/> of them) once <see cref="Error"/> is null.</summary>
    public byte[]? Raw { get; set; }

    public ExceptionDispatchInfo? Error { get; set; }

    // Verification: the last chunk claimed by a worker, and one that failed (or -1).
    private int _claimed;
    private int _bad;

    /// <summary>Reads the frame's fields after the ones a Resend frame puts first; returns the payload.</summary>
    public ReadOnlySpan<byte> Parse(ref SpanReader reader)
    {
        Count = reader.ReadInt32(1, WireLimits.MaxLiteralChunks, "chunk count");
        Codec = (CodecKind)reader.ReadByte();
        RawLength = reader.ReadInt32(1, WireLimits.MaxLiteralBatchBytes, "raw length");
        long sum = 0;
        for (var i = 0; i < Count; i++)
        {
            Lengths[i] = reader.ReadInt32(1, ChunkLimits.MaxChunkSize, "chunk length");
            Ids[i] = reader.ReadChunkId();
            Offsets[i] = (int)Math.Min(sum, int.MaxValue); // checked against RawLength below
            sum += Lengths[i];
        }

        if (sum != RawLength)
        {
            throw new WireFormatException(WireError.Malformed, $"literal chunk lengths add up to {sum}, frame announces {RawLength}");
        }

        Error = null;
        return reader.ReadBytes(reader.Remaining);
    }

    /// <summary>
    /// Re-hashes every chunk of <see cref="Raw"/> on <paramref name="workers"/> threads, which claim chunks one at a time
    /// (a worker sharing a busy core does not hold up the frame); rejects the frame if any does not hash to its id.
    /// </summary>
    public void Verify(int workers)
    {
        _claimed = -1;
        _bad = -1;
        if (workers <= 1)
        {
            VerifyClaimed();
        }
        else
        {
            Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, _ => VerifyClaimed());
        }

        if (_bad >= 0)
        {
            throw new WireFormatException(WireError.IntegrityFailure, $"literal chunk {_bad} does not hash to its id {Ids[_bad]}");
        }
    }

    private void VerifyClaimed()
    {
        int i;
        while ((i = Interlocked.Increment(ref _claimed)) < Count)
        {
            if (!Ids[i].Matches(Raw.AsSpan(Offsets[i], Lengths[i])))
            {
                Volatile.Write(ref _bad, i);
            }
        }
    }

    /// <summary>Returns the decoded bytes to the pool.</summary>
    public void Release()
    {
        if (Raw is not null)
        {
            ArrayPool<byte>.Shared.Return(Raw);
            Raw = null;
        }
    }

    public void Dispose()
    {
        Release();
        Decompressor.Dispose();
    }
}
