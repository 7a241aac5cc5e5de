using System.Buffers;
using System.IO.Hashing;
using WanAccel.Core.Chunking;
using WanAccel.Core.Fingerprints;
using WanAccel.Core.Knowledge;
using WanAccel.Core.Storage;
using WanAccel.Core.Wire;

namespace WanAccel.Core.Codec;

/// <summary>
/// Turns one byte stream into frames: zero runs become lengths, chunks the peer holds become references
/// (single chunks or whole manifests), new chunks travel compressed in batches with their ids.
/// Not thread-safe (one caller per stream); it uses <see cref="StreamEncoderOptions.Parallelism"/> threads inside a step.
/// </summary>
/// <remarks>
/// Streaming contract: call <see cref="Encode"/> with the unconsumed tail of the previous call followed by new bytes;
/// pass <c>isFinal</c> only with the last bytes of the stream, then call <see cref="Complete"/>. The encoder keeps no
/// reference to consumed input; a caller that may have to answer misses keeps the input until the decoder acknowledges it
/// and passes the missed range to <see cref="EncodeResend"/>.
/// </remarks>
public sealed partial class StreamEncoder : IDisposable
{
    private readonly StreamEncoderOptions _options;
    private readonly IPeerKnowledge _knowledge;
    private readonly IChunkStore? _senderStore;
    private readonly Segmenter _segmenter;
    private readonly Segmenter _resendSegmenter;
    private readonly CompressorPool _compressors;
    private readonly XxHash3 _checksum = new();
    private readonly ulong _boundaryMask;
    private readonly Segment[][] _plans;
    private readonly EncodeStep[] _steps;
    private EncodeStep _work;

    // Positions where the caller wants chunk boundaries (file data edges a protocol parser found), ascending; the ones
    // before _nextCut are behind the input already cut.
    private readonly List<long> _cuts = [];
    private int _nextCut;

    // The last chunk index claimed by a hashing worker of the current step.
    private int _hashClaimed;

    // The previous step while its ops are not written yet: a zero run continuing across the step boundary extends its
    // last Zero op instead of starting a new frame (one frame per run).
    private EncodeStep? _unwritten;
    private bool _helloWritten;
    private bool _completed;

    /// <param name="options">Chunking, codec, manifests, window.</param>
    /// <param name="knowledge">What the decoder is believed to hold; updated as chunks are sent.</param>
    /// <param name="senderStore">
    /// Optional local store that keeps every chunk sent as a literal, so that flows in the other direction can
    /// reference it (the cache is shared by both directions).
    /// </param>
    public StreamEncoder(StreamEncoderOptions options, IPeerKnowledge knowledge, IChunkStore? senderStore = null)
    {
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid encoder options: " + string.Join("; ", errors), nameof(options));
        }

        _options = options;
        _knowledge = knowledge;
        _senderStore = senderStore;
        _segmenter = new Segmenter(options.Chunking);
        _resendSegmenter = new Segmenter(options.Chunking);
        _compressors = new CompressorPool(options.Codec);
        _boundaryMask = (1UL << options.ManifestBoundaryBits) - 1;
        // A step covers at most the segments that fit here (~4K at the defaults), so per-step arrays never grow.
        var maxSegments = (2 * options.BatchBytes / options.Chunking.MinSize) + 16;
        _plans = [new Segment[maxSegments], new Segment[maxSegments]];
        _steps = [new EncodeStep(maxSegments), new EncodeStep(maxSegments)];
        _work = _steps[0];
        _groupIds = new ChunkId[options.MaxManifestChunks];
        _groupLengths = new int[options.MaxManifestChunks];
    }

    /// <summary>Input bytes consumed so far (the offset of the next byte in the output stream).</summary>
    public long Position { get; private set; }

    public EncodeStatistics Statistics { get; } = new();

    /// <summary>True once <see cref="Complete"/> wrote the End frame.</summary>
    public bool IsCompleted { get; private set; }

    /// <summary>
    /// Asks for a chunk boundary at stream position <paramref name="position"/> (the next byte belongs to a new
    /// chunk), e.g. where a file's data starts in a protocol message, so the same file block becomes the same chunks
    /// whatever framing surrounds it. Positions already cut, or not above the last one asked for, are ignored.
    /// </summary>
    public void CutAt(long position)
    {
        if (position > Position && (_cuts.Count == _nextCut || position > _cuts[^1]))
        {
            _cuts.Add(position);
        }
    }

    /// <summary>
    /// Encodes as much of <paramref name="input"/> as can be cut into chunks now and writes the frames to
    /// <paramref name="output"/>. Returns the bytes consumed; the caller passes the rest again with more data appended.
    /// </summary>
    public int Encode(ReadOnlyMemory<byte> input, bool isFinal, IBufferWriter<byte> output)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        WriteHelloOnce(output);
        // A three-deep pipeline over two cores: while step n is hashed (in parallel) and classified, step n+1 is cut on
        // another thread and step n-1's literals are compressed by pool tasks; steps are written strictly in order.
        var consumed = 0;
        var plan = 0;
        var origin = Position;
        EncodeStep? previous = null;
        var (count, length) = Cut(input, origin, consumed, isFinal, _plans[plan]);
        while (count > 0)
        {
            var next = consumed + length;
            Task<(int Count, int Length)>? cutNext = null;
            if (next < input.Length && _options.Parallelism > 1)
            {
                var target = _plans[plan ^ 1];
                cutNext = Task.Run(() => Cut(input, origin, next, isFinal, target));
            }

            var step = PrepareStep(input.Slice(consumed, length), _plans[plan], count);
            if (previous is not null)
            {
                WriteStep(previous, output);
            }

            previous = step;
            consumed = next;
            (count, length) = cutNext is not null
                ? cutNext.GetAwaiter().GetResult()
                : next < input.Length ? Cut(input, origin, next, isFinal, _plans[plan ^ 1]) : (0, 0);
            plan ^= 1;
        }

        if ((isFinal || consumed == input.Length) && _candidate is not null)
        {
            // Nothing follows for now (a flush point in a live flow, or a requested cut at the end of the input, which
            // leaves the caller nothing to flush later): chunks held back for a manifest match go out as they are, or
            // a request/response peer would wait for good on bytes the encoder is sitting on.
            EndGroup();
        }

        WriteStep(previous ?? _work, output);
        return consumed;
    }

    /// <summary>Ends the stream: closes the open manifest group and writes the End frame (total length and checksum).</summary>
    public void Complete(IBufferWriter<byte> output)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        WriteHelloOnce(output);
        EndGroup();
        WriteStep(_work, output);
        Statistics.WireBytes += FrameWriter.WriteEnd(output, Position, _checksum.GetCurrentHashAsUInt64());
        _completed = true;
        IsCompleted = true;
    }

    /// <summary>
    /// The decoder reported <paramref name="id"/> (a chunk or manifest) missing for [offset, offset+length):
    /// forget it so that it is not referenced again; the caller then resends that range with <see cref="EncodeResend"/>.
    /// </summary>
    public void OnMiss(in ChunkId id) => _knowledge.Remove(id);

    public void Dispose()
    {
        _compressors.Dispose();
        _completed = true;
    }

    /// <summary>
    /// Cuts the next step (about <see cref="StreamEncoderOptions.BatchBytes"/>) starting at <paramref name="start"/>
    /// (stream position <paramref name="origin"/> + start), ending chunks at the positions asked for with <see cref="CutAt"/>.
    /// </summary>
    private (int Count, int Length) Cut(ReadOnlyMemory<byte> input, long origin, int start, bool isFinal, Segment[] segments)
    {
        var count = 0;
        var length = 0;
        while (true)
        {
            var at = start + length;
            var remaining = input.Length - at;
            var window = Math.Min(remaining, _options.BatchBytes - length + _segmenter.Lookahead);
            var final = isFinal && window == remaining;
            while (_nextCut < _cuts.Count && _cuts[_nextCut] <= origin + at)
            {
                _nextCut++;
            }

            if (_nextCut < _cuts.Count && _cuts[_nextCut] - origin - at <= window)
            {
                // The bytes before the boundary end as if the stream ended there (the segmenter cuts their tail).
                window = (int)(_cuts[_nextCut] - origin - at);
                final = true;
            }

            var cut = _segmenter.NextBatch(input.Span.Slice(at, window), final, segments.AsSpan(count));
            var cutLength = 0;
            for (var i = count; i < count + cut; i++)
            {
                cutLength += segments[i].Length;
            }

            count += cut;
            length += cutLength;
            if (cutLength < window || length >= _options.BatchBytes || count == segments.Length || at + window == input.Length)
            {
                break;
            }
        }

        if (_nextCut == _cuts.Count && _nextCut > 0)
        {
            _cuts.Clear();
            _nextCut = 0;
        }

        return (count, length);
    }

    private void WriteHelloOnce(IBufferWriter<byte> output)
    {
        if (!_helloWritten)
        {
            Statistics.WireBytes += FrameWriter.WriteHello(output, _options.WindowBytes);
            _helloWritten = true;
        }
    }

    /// <summary>Hashes and classifies one step, then starts compressing its literals in the background.</summary>
    private EncodeStep PrepareStep(ReadOnlyMemory<byte> input, Segment[] segments, int segmentCount)
    {
        // The other step buffer is free: the caller wrote step n-1 before preparing step n+1.
        _unwritten = _work.Ops.Count > 0 ? _work : null;
        _work = _work == _steps[0] ? _steps[1] : _steps[0];
        _work.Input = input;

        var span = input.Span;
        _checksum.Append(span);
        var chunks = 0;
        var offset = 0;
        for (var i = 0; i < segmentCount; i++)
        {
            var segment = segments[i];
            if (!segment.IsZero)
            {
                _work.ChunkOffsets[chunks] = offset;
                _work.ChunkLengths[chunks] = segment.Length;
                chunks++;
            }

            offset += segment.Length;
        }

        HashChunks(_work, chunks);
        Classify(segments, segmentCount);
        Position += input.Length;
        Statistics.InputBytes += input.Length;
        StartCompression(_work);
        return _work;
    }

    private void HashChunks(EncodeStep step, int chunks)
    {
        var workers = Math.Min(_options.Parallelism, Math.Max(1, chunks / 16));
        _hashClaimed = -1;
        if (workers == 1)
        {
            HashClaimedChunks(step, chunks);
            return;
        }

        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, _ => HashClaimedChunks(step, chunks));
    }

    /// <summary>
    /// Hashes chunks claimed one at a time, not in fixed shares: the cut of the next step runs at the same time on one of
    /// the cores, and a worker sharing that core must not hold up the step.
    /// </summary>
    private void HashClaimedChunks(EncodeStep step, int chunks)
    {
        var span = step.Input.Span;
        int i;
        while ((i = Interlocked.Increment(ref _hashClaimed)) < chunks)
        {
            step.ChunkIds[i] = ChunkId.Compute(span.Slice(step.ChunkOffsets[i], step.ChunkLengths[i]));
        }
    }
}
