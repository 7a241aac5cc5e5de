using System.Numerics;

namespace WanAccel.Core.Chunking;

/// <summary>
/// Cuts a byte stream into data chunks (FastCDC: Gear hash, normalised chunking level 2, cut-point skipping)
/// and zero segments (runs of at least <see cref="ChunkerOptions.MinZeroRun"/> zero bytes, never hashed).
/// </summary>
/// <remarks>
/// <para>Streaming protocol: pass the bytes from the current segment start; consume the returned segments;
/// keep the unconsumed bytes, append more, call again; pass <c>isFinal</c> only when no more bytes exist.
/// A result of length 0 means "need more data" (or, with <c>isFinal</c>, the stream is done).</para>
/// <para>Determinism: data chunk boundaries depend only on the stream, never on how it was split into reads.
/// A zero run that reaches the end of the buffer is returned at once (runs can be gigabytes) and the next call
/// continues it, so one run may come back as several adjacent zero segments; their total is split-independent.
/// The segmenter is therefore stateful and not thread-safe: use one instance per stream, or <see cref="Reset"/> between streams.</para>
/// </remarks>
public sealed partial class Segmenter
{
    /// <summary>Longest single zero segment: 1 GiB. Longer runs come back as several adjacent zero segments.</summary>
    public const int MaxZeroSegment = 1 << 30;

    private readonly int _minSize;
    private readonly int _averageSize;
    private readonly int _maxSize;
    private readonly int _minZeroRun;
    private readonly ulong _maskS;
    private readonly ulong _maskL;

    // True after a zero segment that ended at the end of the buffer (or at MaxZeroSegment):
    // leading zeros of the next call belong to the same run, however few there are.
    private bool _continuingZeroRun;

    /// <summary>Creates a segmenter; throws <see cref="ArgumentException"/> listing every problem with <paramref name="options"/>.</summary>
    public Segmenter(ChunkerOptions? options = null)
    {
        options ??= new ChunkerOptions();
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid chunker options: " + string.Join(" ", errors), nameof(options));
        }

        Options = options;
        _minSize = options.MinSize;
        _averageSize = options.AverageSize;
        _maxSize = options.MaxSize;
        _minZeroRun = options.MinZeroRun;

        // Normalisation level 2 (ATC'16 §3.3): 2 bits more before AverageSize, 2 fewer after.
        int bits = BitOperations.Log2((uint)options.AverageSize);
        _maskS = GearTable.Mask(bits + 2);
        _maskL = GearTable.Mask(bits - 2);
    }

    public ChunkerOptions Options { get; }

    /// <summary>Bytes the caller must provide from a segment start, unless the stream ends: MaxSize + MinZeroRun.</summary>
    public int Lookahead => _maxSize + _minZeroRun;

    internal ulong MaskS => _maskS;

    internal ulong MaskL => _maskL;

    /// <summary>Forgets the zero run in progress; call before reusing the instance for a new stream.</summary>
    public void Reset() => _continuingZeroRun = false;

    /// <summary>The segment at the start of <paramref name="data"/>, or <c>default</c> when more data is needed.</summary>
    public Segment Next(ReadOnlySpan<byte> data, bool isFinal)
    {
        if (data.IsEmpty)
        {
            return default;
        }

        if (data[0] == 0)
        {
            int zeros = LeadingZeros(data);
            if (_continuingZeroRun || zeros >= _minZeroRun)
            {
                // A run ending inside the buffer (data[zeros] != 0) is complete; one reaching the end or the
                // cap continues in the next call.
                _continuingZeroRun = zeros == data.Length ? !isFinal : zeros == MaxZeroSegment;
                return new Segment(zeros, IsZero: true);
            }

            if (zeros == data.Length && !isFinal)
            {
                return default; // fewer than MinZeroRun zeros so far: zero run or not is still open
            }
        }

        _continuingZeroRun = false;
        if (data.Length < Lookahead && !isFinal)
        {
            return default;
        }

        return new Segment(DataChunkLength(data), IsZero: false);
    }

    /// <summary>
    /// Fills <paramref name="output"/> with consecutive segments from the start of <paramref name="data"/>;
    /// returns how many (0 = need more data, or the stream is done).
    /// </summary>
    public int NextBatch(ReadOnlySpan<byte> data, bool isFinal, Span<Segment> output)
    {
        int count = 0;
        while (count < output.Length)
        {
            var segment = Next(data, isFinal);
            if (segment.Length == 0)
            {
                break;
            }

            output[count++] = segment;
            data = data[segment.Length..];
        }

        return count;
    }

    private static int LeadingZeros(ReadOnlySpan<byte> data)
    {
        if (data.Length > MaxZeroSegment)
        {
            data = data[..MaxZeroSegment];
        }

        int nonZero = data.IndexOfAnyExcept((byte)0); // vectorised (AVX2/AVX-512/NEON), memory-bandwidth bound
        return nonZero < 0 ? data.Length : nonZero;
    }

    /// <summary>Length of the data chunk at the start of <paramref name="data"/>, which does not start a zero run.</summary>
    private int DataChunkLength(ReadOnlySpan<byte> data)
    {
        int region = Math.Min(data.Length, _maxSize);

        // Zero runs first, so the hash never rolls into one: over zeros Gear settles on a constant that never
        // matches, and hashing on to MaxSize cost up to 60 KiB per data-to-zero transition (about 30% of the
        // time on half-zero data). Cutting the prefix [0, run) gives min(cut, run), so the result is the same.
        // A run starting before MaxSize must be seen whole (MinZeroRun bytes), hence Lookahead.
        int zeroRun = FindZeroRun(data[..Math.Min(data.Length, region - 1 + _minZeroRun)], region);
        return FindCut(data[..(zeroRun > 0 ? zeroRun : region)]);
    }
}
