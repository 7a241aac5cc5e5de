using System.Buffers.Binary;
using WanAccel.Appliance.Protocols;

namespace WanAccel.Appliance.Tests.Protocols.Smb;

/// <summary>
/// Seeded mutations of a capture for fuzzing: bit flips, overwritten bytes, "interesting" 32-bit values (lengths and
/// offsets), inserted, deleted and repeated bytes, truncation. Half of them land in the first 128 bytes of a frame
/// (framing, SMB2 header, fixed parts), where a parser decides things; only mutated chunks are copied, so multi-MiB
/// captures are cheap to mutate thousands of times.
/// </summary>
internal sealed class CaptureMutator
{
    private static readonly uint[] Interesting = [0, 1, 63, 64, 65, 0x7F, 0xFF, 0xFFFF, 0x10000, 0xFFFFFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF];

    private readonly ConnectionCapture _capture;
    private readonly Dictionary<StreamDirection, List<int>> _frameStarts;

    public CaptureMutator(ConnectionCapture capture)
    {
        _capture = capture;
        _frameStarts = new()
        {
            [StreamDirection.ToServer] = FrameStarts(capture.Stream(StreamDirection.ToServer).Span),
            [StreamDirection.ToClient] = FrameStarts(capture.Stream(StreamDirection.ToClient).Span),
        };
    }

    /// <summary>The capture's pieces in arrival order with one to three mutations.</summary>
    public List<(StreamDirection Direction, ReadOnlyMemory<byte> Bytes)> Mutate(Random random)
    {
        var chunks = _capture.Chunks;
        var pieces = chunks.Select(c => (c.Direction, Bytes: _capture.Bytes(c))).ToList();
        for (var n = random.Next(1, 4); n > 0; n--)
        {
            var direction = random.Next(2) == 0 ? StreamDirection.ToServer : StreamDirection.ToClient;
            var length = _capture.Stream(direction).Length;
            if (length == 0)
            {
                continue;
            }

            var starts = _frameStarts[direction];
            var position = random.Next(2) == 0 && starts.Count > 0
                ? Math.Min(length - 1, starts[random.Next(starts.Count)] + random.Next(128))
                : random.Next(length);
            var index = FindChunk(chunks, direction, position);
            var chunk = pieces[index].Bytes.ToArray();
            var at = position - chunks[index].Offset;
            if (at >= chunk.Length)
            {
                continue; // an earlier mutation shortened this chunk
            }

            pieces[index] = (direction, MutateAt(chunk, at, random, out var truncate));
            for (var later = index + 1; truncate && later < pieces.Count; later++)
            {
                if (pieces[later].Direction == direction)
                {
                    pieces[later] = (direction, ReadOnlyMemory<byte>.Empty); // kept, so indices still match the chunks
                }
            }
        }

        return pieces;
    }

    private static byte[] MutateAt(byte[] chunk, int at, Random random, out bool truncate)
    {
        truncate = false;
        switch (random.Next(7))
        {
            case 0:
                chunk[at] ^= (byte)(1 << random.Next(8));
                return chunk;
            case 1:
                chunk[at] = (byte)random.Next(256);
                return chunk;
            case 2:
                Span<byte> value = stackalloc byte[4];
                var v = Interesting[random.Next(Interesting.Length)];
                if (random.Next(2) == 0)
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(value, v);
                }
                else
                {
                    BinaryPrimitives.WriteUInt32BigEndian(value, v);
                }

                value[..Math.Min(4, chunk.Length - at)].CopyTo(chunk.AsSpan(at));
                return chunk;
            case 3:
                var inserted = new byte[random.Next(1, 17)];
                random.NextBytes(inserted);
                return [.. chunk.AsSpan(0, at), .. inserted, .. chunk.AsSpan(at)];
            case 4:
                var deleted = Math.Min(random.Next(1, 17), chunk.Length - at);
                return [.. chunk.AsSpan(0, at), .. chunk.AsSpan(at + deleted)];
            case 5:
                var repeated = chunk.AsSpan(at, Math.Min(random.Next(1, 65), chunk.Length - at));
                return [.. chunk.AsSpan(0, at), .. repeated, .. chunk.AsSpan(at)];
            default:
                truncate = true;
                return chunk[..at];
        }
    }

    private static int FindChunk(IReadOnlyList<CaptureChunk> chunks, StreamDirection direction, int position)
    {
        for (var i = 0; i < chunks.Count; i++)
        {
            if (chunks[i].Direction == direction && position >= chunks[i].Offset && position < chunks[i].Offset + chunks[i].Length)
            {
                return i;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(position));
    }

    /// <summary>Where each Direct TCP frame of an unmutated stream starts.</summary>
    private static List<int> FrameStarts(ReadOnlySpan<byte> stream)
    {
        var starts = new List<int>();
        for (var at = 0; at + 4 <= stream.Length; at += 4 + (int)(BinaryPrimitives.ReadUInt32BigEndian(stream[at..]) & 0xFFFFFF))
        {
            starts.Add(at);
        }

        return starts;
    }
}
