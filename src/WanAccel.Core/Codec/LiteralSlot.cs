using System.Buffers;
using System.Runtime.ExceptionServices;
using WanAccel.Core.Compression;
using WanAccel.Core.Fingerprints;
using WanAccel.Core.Wire;

namespace WanAccel.Core.Codec;

/// <summary>
/// One Literals frame being decoded: its parsed header and its own decompressor; in a run decoded in parallel also
/// where its payload lies in the decoder's input and, once decoded, its verified bytes or the error that rejected it.
/// </summary>
internal sealed class LiteralSlot : IDisposable
{
    public ChunkId[] Ids { get; } = new ChunkId[WireLimits.MaxLiteralChunks];

    public int[] Lengths { get; } = new int[WireLimits.MaxLiteralChunks];

    public LiteralDecompressor Decompressor { get; } = new();

    public int Count { get; private set; }

    public CodecKind Codec { get; private set; }

    public int RawLength { get; private set; }

    public int PayloadOffset { get; set; }

    public int PayloadLength { get; set; }

    /// <summary>The decoded bytes (pooled, <see cref="RawLength"/> of them) once <see cref="Error"/> is null.</summary>
    public byte[]? Raw { get; set; }

    public ExceptionDispatchInfo? Error { get; set; }

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
            sum += Lengths[i];
        }

        if (sum != RawLength)
        {
            throw new WireFormatException(WireError.Malformed, $"literal chunk lengths add up to {sum}, frame announces {RawLength}");
        }

        Error = null;
        return reader.ReadBytes(reader.Remaining);
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
