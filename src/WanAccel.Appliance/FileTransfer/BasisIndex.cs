using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using WanAccel.Appliance.FileTransfer.Protocol;
using WanAccel.Images.Containers;
using WanAccel.Images.IO;

namespace WanAccel.Appliance.FileTransfer;

/// <summary>
/// What the receiver already holds at the target: a 16-byte truncated SHA-256 per fixed 64 KiB block of a basis file
/// (a partial file of an interrupted copy, or the existing file at the target path). The sender replaces every block
/// whose hash matches the same block of its file by a COPY record. Holes of the basis are hashed without reading.
/// </summary>
public sealed class BasisIndex
{
    private static readonly byte[] ZeroBlockHash = HashBlock(new byte[ProtocolLimits.BlockSize]);
    private readonly byte[] _hashes;

    private BasisIndex(long length, byte[] hashes)
    {
        Length = length;
        _hashes = hashes;
    }

    /// <summary>No basis.</summary>
    public static BasisIndex Empty { get; } = new(0, []);

    /// <summary>Length of the basis file.</summary>
    public long Length { get; }

    /// <summary>True when the basis is the partial file of an interrupted copy (the copy resumes), false for an existing target.</summary>
    public bool IsPartial { get; private init; }

    /// <summary>Blocks described.</summary>
    public long BlockCount => _hashes.Length / ProtocolLimits.BlockHashLength;

    /// <summary>Hashes <paramref name="path"/> (reading only its data extents); counts the bytes read into <paramref name="bytesRead"/>.</summary>
    public static BasisIndex Compute(string path, CancellationToken cancellationToken, out long bytesRead)
    {
        bytesRead = 0;
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, FileOptions.SequentialScan);
        var length = RandomAccess.GetLength(file);
        var blocks = checked((int)BlockCountOf(length));
        var hashes = new byte[blocks * ProtocolLimits.BlockHashLength];
        var extents = SparseFileMap.Map(path, length);
        var buffer = ArrayPool<byte>.Shared.Rent(ProtocolLimits.BlockSize);
        try
        {
            var e = 0;
            for (var block = 0; block < blocks; block++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var offset = (long)block * ProtocolLimits.BlockSize;
                var n = (int)Math.Min(ProtocolLimits.BlockSize, length - offset);
                while (e < extents.Count && extents[e].End <= offset)
                {
                    e++;
                }

                var target = hashes.AsSpan(block * ProtocolLimits.BlockHashLength, ProtocolLimits.BlockHashLength);
                var inHole = e < extents.Count && extents[e].Kind != ExtentKind.Allocated && extents[e].End >= offset + n;
                if (inHole && n == ProtocolLimits.BlockSize)
                {
                    ZeroBlockHash.CopyTo(target);
                    continue;
                }

                var span = buffer.AsSpan(0, n);
                if (inHole)
                {
                    span.Clear();
                }
                else
                {
                    RandomAccess.Read(file, span, offset);
                    bytesRead += n;
                }

                HashBlock(span, target);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return new BasisIndex(length, hashes);
    }

    /// <summary>Reads BASIS records up to BASIS_END, keeping only the blocks of a file of <paramref name="sourceLength"/> bytes.</summary>
    public static async ValueTask<BasisIndex> ReadAsync(RecordReader reader, long sourceLength, CancellationToken cancellationToken)
    {
        var keep = BlockCountOf(sourceLength);
        var hashes = new byte[keep * ProtocolLimits.BlockHashLength];
        long next = 0;
        while (true)
        {
            var type = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (type == RecordType.BasisEnd)
            {
                var (length, partial) = ReadEnd(reader.Payload);
                reader.Release();
                if (BlockCountOf(length) != next)
                {
                    throw new FileTransferException(TransferStatus.ProtocolError, $"basis of {length} bytes announced with {next} block hashes");
                }

                var kept = Math.Min(next, keep);
                return new BasisIndex(length, kept == keep ? hashes : hashes[..(int)(kept * ProtocolLimits.BlockHashLength)]) { IsPartial = partial };
            }

            if (type != RecordType.Basis)
            {
                throw reader.Unexpected(type, "BASIS or BASIS_END");
            }

            next = Take(reader.Payload, next, hashes, keep);
            reader.Release();
        }
    }

    /// <summary>Writes the index as BASIS records and a BASIS_END.</summary>
    public async ValueTask WriteAsync(RecordWriter writer, CancellationToken cancellationToken)
    {
        for (long first = 0; first < BlockCount; first += ProtocolLimits.MaxHashesPerRecord)
        {
            var count = (int)Math.Min(ProtocolLimits.MaxHashesPerRecord, BlockCount - first);
            var span = writer.Begin(RecordType.Basis, 12 + (count * ProtocolLimits.BlockHashLength));
            BinaryPrimitives.WriteUInt32LittleEndian(span, ProtocolLimits.BlockSize);
            BinaryPrimitives.WriteInt64LittleEndian(span[4..], first);
            _hashes.AsSpan((int)(first * ProtocolLimits.BlockHashLength), count * ProtocolLimits.BlockHashLength).CopyTo(span[12..]);
            writer.Commit(12 + (count * ProtocolLimits.BlockHashLength));
            await writer.FlushIfDueAsync(cancellationToken).ConfigureAwait(false);
        }

        var end = writer.Begin(RecordType.BasisEnd, 9);
        BinaryPrimitives.WriteInt64LittleEndian(end, Length);
        end[8] = IsPartial ? (byte)1 : (byte)0;
        writer.Commit(9);
    }

    /// <summary>This index, marked as describing the partial file of an interrupted copy.</summary>
    public BasisIndex AsPartial() => new(Length, _hashes) { IsPartial = true };

    /// <summary>True when block <paramref name="block"/> of the basis has <paramref name="hash"/> (the first 16 bytes of its SHA-256).</summary>
    public bool Matches(long block, ReadOnlySpan<byte> hash) =>
        block < BlockCount && _hashes.AsSpan((int)(block * ProtocolLimits.BlockHashLength), ProtocolLimits.BlockHashLength).SequenceEqual(hash[..ProtocolLimits.BlockHashLength]);

    public static long BlockCountOf(long length) => (length + ProtocolLimits.BlockSize - 1) / ProtocolLimits.BlockSize;

    /// <summary>SHA-256 of <paramref name="block"/>, truncated to 16 bytes, into <paramref name="hash"/>.</summary>
    public static void HashBlock(ReadOnlySpan<byte> block, Span<byte> hash)
    {
        Span<byte> full = stackalloc byte[32];
        SHA256.HashData(block, full);
        full[..ProtocolLimits.BlockHashLength].CopyTo(hash);
    }

    private static byte[] HashBlock(byte[] block)
    {
        var hash = new byte[ProtocolLimits.BlockHashLength];
        HashBlock(block, hash);
        return hash;
    }

    private static (long Length, bool Partial) ReadEnd(ReadOnlySequence<byte> payload)
    {
        Span<byte> bytes = stackalloc byte[9];
        if (payload.Length != 9)
        {
            throw new FileTransferException(TransferStatus.ProtocolError, "BASIS_END of a wrong length");
        }

        payload.CopyTo(bytes);
        var length = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        return length is >= 0 and <= ProtocolLimits.MaxFileSize && bytes[8] <= 1
            ? (length, bytes[8] == 1)
            : throw new FileTransferException(TransferStatus.ProtocolError, $"BASIS_END with length {length}, kind {bytes[8]}");
    }

    private static long Take(ReadOnlySequence<byte> payload, long next, byte[] hashes, long keep)
    {
        Span<byte> head = stackalloc byte[12];
        if (payload.Length < 12 || (payload.Length - 12) % ProtocolLimits.BlockHashLength != 0)
        {
            throw new FileTransferException(TransferStatus.ProtocolError, "BASIS record of a wrong length");
        }

        payload.Slice(0, 12).CopyTo(head);
        var blockSize = BinaryPrimitives.ReadUInt32LittleEndian(head);
        var first = BinaryPrimitives.ReadInt64LittleEndian(head[4..]);
        if (blockSize != ProtocolLimits.BlockSize || first != next)
        {
            throw new FileTransferException(TransferStatus.ProtocolError, $"BASIS record with block size {blockSize} starting at block {first} (expected {ProtocolLimits.BlockSize}, {next})");
        }

        var count = (payload.Length - 12) / ProtocolLimits.BlockHashLength;
        var kept = Math.Clamp(keep - first, 0, count);
        if (kept > 0)
        {
            payload.Slice(12, kept * ProtocolLimits.BlockHashLength).CopyTo(hashes.AsSpan((int)(first * ProtocolLimits.BlockHashLength)));
        }

        if (first + count > ProtocolLimits.MaxFileSize / ProtocolLimits.BlockSize)
        {
            throw new FileTransferException(TransferStatus.ProtocolError, "basis larger than the largest file");
        }

        return first + count;
    }
}
