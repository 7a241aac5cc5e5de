using System.Buffers;
using System.Security.Cryptography;
using WanAccel.Appliance.FileTransfer.Protocol;

namespace WanAccel.Appliance.FileTransfer;

/// <summary>
/// Sends one file as DATA / HOLE / COPY records and an END record, block by block (64 KiB): ranges the
/// <see cref="SourcePlan"/> does not read become HOLE, read blocks the receiver's basis holds become COPY, all-zero
/// blocks become HOLE, the rest DATA. DATA records start at fixed 64 KiB file offsets, so two versions of a file give the
/// engine the same record framing around unchanged data. One pooled buffer; nothing allocated per block.
/// </summary>
public static class FileSender
{
    internal static readonly byte[] Zeros = new byte[ProtocolLimits.BlockSize];

    /// <summary>Called with the logical bytes done so far.</summary>
    public delegate void Progress(long done);

    public static async Task<EndRecord> SendAsync(string path, SourcePlan plan, BasisIndex basis, RecordWriter writer, Progress? progress, CancellationToken cancellationToken)
    {
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(ProtocolLimits.BlockSize);
        var hash = new byte[32];
        long diskRead = 0, zeros = 0, guestFree = 0, copied = 0;
        var pending = RecordType.EndOfStream;
        long pendingLength = 0;
        var segment = 0;
        try
        {
            for (long offset = 0; offset < plan.Length; offset += ProtocolLimits.BlockSize)
            {
                var n = (int)Math.Min(ProtocolLimits.BlockSize, plan.Length - offset);
                var block = buffer.AsSpan(0, n);
                while (plan.Segments[segment].End <= offset)
                {
                    segment++;
                }

                // Fill the block: read what the plan reads, zeros elsewhere; count what was not read.
                var read = 0;
                for (var s = segment; s < plan.Segments.Count && plan.Segments[s].Offset < offset + n; s++)
                {
                    var seg = plan.Segments[s];
                    var start = (int)(Math.Max(seg.Offset, offset) - offset);
                    var stop = (int)(Math.Min(seg.End, offset + n) - offset);
                    switch (seg.Kind)
                    {
                        case SegmentKind.Read:
                            ReadExactly(file, block[start..stop], offset + start, path);
                            read += stop - start;
                            break;
                        case SegmentKind.Hole:
                            block[start..stop].Clear();
                            zeros += stop - start;
                            break;
                        default:
                            block[start..stop].Clear();
                            guestFree += stop - start;
                            break;
                    }
                }

                diskRead += read;
                sha.AppendData(block);
                RecordType kind;
                if (read == 0)
                {
                    kind = RecordType.Hole;
                }
                else if (basis.BlockCount > offset / ProtocolLimits.BlockSize && MatchesBasis(basis, offset, block, hash))
                {
                    kind = RecordType.Copy;
                    copied += n;
                }
                else if (!block.ContainsAnyExcept((byte)0))
                {
                    kind = RecordType.Hole;
                    zeros += read;
                }
                else
                {
                    kind = RecordType.Data;
                }

                if (kind != pending && pendingLength > 0)
                {
                    writer.WriteLength(pending, pendingLength);
                    pendingLength = 0;
                }

                if (kind == RecordType.Data)
                {
                    writer.Write(RecordType.Data, block);
                }
                else
                {
                    pending = kind;
                    pendingLength += n;
                }

                await writer.FlushIfDueAsync(cancellationToken).ConfigureAwait(false);
                progress?.Invoke(offset + n);
            }

            if (pendingLength > 0)
            {
                writer.WriteLength(pending, pendingLength);
            }

            var end = new EndRecord(plan.Length, sha.GetHashAndReset(), new SenderFigures(diskRead, zeros, guestFree, copied));
            end.Write(writer);
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            return end;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Appends <paramref name="length"/> zero bytes to <paramref name="sha"/> (64 KiB at a time).</summary>
    internal static void AppendZeros(IncrementalHash sha, long length)
    {
        for (; length > 0; length -= ProtocolLimits.BlockSize)
        {
            sha.AppendData(Zeros, 0, (int)Math.Min(length, ProtocolLimits.BlockSize));
        }
    }

    private static bool MatchesBasis(BasisIndex basis, long offset, ReadOnlySpan<byte> block, Span<byte> hash)
    {
        BasisIndex.HashBlock(block, hash);
        return basis.Matches(offset / ProtocolLimits.BlockSize, hash);
    }

    private static void ReadExactly(Microsoft.Win32.SafeHandles.SafeFileHandle file, Span<byte> span, long offset, string path)
    {
        while (!span.IsEmpty)
        {
            var n = RandomAccess.Read(file, span, offset);
            if (n <= 0)
            {
                throw new FileTransferException(TransferStatus.IoError, $"{path} shrank while it was being sent");
            }

            span = span[n..];
            offset += n;
        }
    }
}
