using System.Buffers;
using System.IO.Hashing;
using WanAccel.Core.Compression;
using WanAccel.Core.Fingerprints;
using WanAccel.Core.Knowledge;
using WanAccel.Core.Storage;
using WanAccel.Core.Wire;

namespace WanAccel.Core.Codec;

/// <summary>
/// Rebuilds the exact bytes of a stream from its frames, using and filling a chunk store. Every literal is re-hashed
/// before it enters the store; a reference the store cannot serve becomes a miss (reported through
/// <see cref="IDecoderFeedback"/>) and the output behind it waits, bounded, for the resend. The End frame's length and
/// checksum are verified before the stream counts as complete. Malformed input raises <see cref="WireFormatException"/>.
/// Not thread-safe (one caller per stream).
/// </summary>
public sealed partial class StreamDecoder : IDisposable
{
    private readonly IChunkStore _store;
    private readonly StreamDecoderOptions _options;
    private readonly IDecoderOutput _output;
    private readonly IDecoderFeedback _feedback;
    private readonly XxHash3 _checksum = new();
    private readonly PendingOutput _pending = new();
    private readonly List<Hole> _holes = [];
    private readonly ChunkId[] _history = new ChunkId[WireLimits.MaxManifestChunks];
    private readonly LiteralSlot _frame = new(); // a Literals frame decoded on its own
    private readonly Action<ReadOnlySpan<byte>> _deliver;
    private readonly IPeerKnowledge? _senderKnowledge;
    private int _historyCount;
    private int _historyNext;
    private bool _helloSeen;
    private long _windowBytes;
    private long _position;
    private long _delivered;
    private long _lastAck;
    private long _endLength = -1;
    private ulong _endChecksum;

    /// <param name="store">The local chunk store: references are served from it, verified literals enter it.</param>
    /// <param name="output">Where the rebuilt bytes go, in order.</param>
    /// <param name="feedback">Where misses and acknowledgements go (to the encoder).</param>
    /// <param name="options">Limits and parallelism.</param>
    /// <param name="senderKnowledge">
    /// Optional knowledge about the sending peer, told about every literal received (the sender holds what it sent),
    /// so that flows in the other direction can reference it.
    /// </param>
    public StreamDecoder(IChunkStore store, IDecoderOutput output, IDecoderFeedback feedback, StreamDecoderOptions? options = null, IPeerKnowledge? senderKnowledge = null)
    {
        _store = store;
        _output = output;
        _feedback = feedback;
        _options = options ?? new StreamDecoderOptions();
        _deliver = Deliver;
        _senderKnowledge = senderKnowledge;
    }

    /// <summary>True once the End frame arrived, every miss was filled and length and checksum matched.</summary>
    public bool IsComplete { get; private set; }

    /// <summary>Bytes delivered to the output so far.</summary>
    public long Delivered => _delivered;

    public DecodeStatistics Statistics { get; } = new();

    /// <summary>
    /// Decodes the complete frames at the start of <paramref name="input"/> and returns the bytes consumed
    /// (a partial frame at the end is left for the next call, with more bytes appended).
    /// </summary>
    public int Decode(ReadOnlySpan<byte> input)
    {
        var consumed = 0;
        while (FrameHeader.TryRead(input[consumed..], out var type, out var headerLength, out var bodyLength)
               && input.Length - consumed - headerLength >= bodyLength)
        {
            var run = type == (byte)FrameType.Literals ? DecodeLiteralRun(input[consumed..]) : 0;
            if (run > 0)
            {
                consumed += run;
                Statistics.WireBytes += run;
                continue;
            }

            var body = input.Slice(consumed + headerLength, bodyLength);
            DecodeFrame(type, body);
            consumed += headerLength + bodyLength;
            Statistics.WireBytes += headerLength + bodyLength;
        }

        return consumed;
    }

    public void Dispose()
    {
        _pending.Dispose();
        _frame.Dispose();
        foreach (var slot in _slots ?? [])
        {
            slot.Dispose();
        }
    }

    private void DecodeFrame(byte type, ReadOnlySpan<byte> body)
    {
        if (IsComplete)
        {
            throw new WireFormatException(WireError.Malformed, $"frame 0x{type:x2} after the end of the stream");
        }

        if (!_helloSeen && type != (byte)FrameType.Hello)
        {
            throw new WireFormatException(WireError.Malformed, $"stream starts with frame 0x{type:x2}, not Hello");
        }

        if (_endLength >= 0 && type != (byte)FrameType.Resend)
        {
            throw new WireFormatException(WireError.Malformed, $"frame 0x{type:x2} after End (only Resend may follow)");
        }

        var reader = new SpanReader(body, type);
        switch ((FrameType)type)
        {
            case FrameType.Hello:
                OnHello(ref reader);
                break;
            case FrameType.Zero:
                OnZero(reader.ReadInt64(long.MaxValue >> 1, "length"));
                break;
            case FrameType.Ref:
                OnRef(ref reader);
                break;
            case FrameType.Literals:
                OnLiterals(ref reader, resendOffset: -1, resendLength: 0);
                break;
            case FrameType.ManifestRef:
                OnManifestRef(ref reader);
                break;
            case FrameType.ManifestDef:
                OnManifestDef(ref reader);
                break;
            case FrameType.Resend:
                var offset = reader.ReadInt64(long.MaxValue >> 1, "offset");
                var length = reader.ReadInt32(1, WireLimits.MaxLiteralBatchBytes, "length");
                OnLiterals(ref reader, offset, length);
                break;
            case FrameType.End:
                OnEnd(ref reader);
                break;
            case FrameType.Passthrough:
                OnPassthrough(reader.ReadBytes(reader.Remaining));
                break;
            default:
                throw new WireFormatException(WireError.Malformed, $"unknown frame type 0x{type:x2}");
        }

        reader.EnsureEnd();
        TryComplete();
    }

    private void OnHello(ref SpanReader reader)
    {
        if (_helloSeen)
        {
            throw new WireFormatException(WireError.Malformed, "second Hello frame");
        }

        if (!reader.ReadBytes(4).SequenceEqual(FrameWriter.Magic))
        {
            throw new WireFormatException(WireError.UnsupportedVersion, "not a WanAccel stream (bad magic)");
        }

        var version = reader.ReadByte();
        if (version != FrameWriter.Version)
        {
            throw new WireFormatException(WireError.UnsupportedVersion, $"stream version {version}, this build reads {FrameWriter.Version}");
        }

        _windowBytes = reader.ReadInt64(long.MaxValue, "window");
        if (_windowBytes > _options.MaxPendingBytes)
        {
            throw new WireFormatException(WireError.LimitExceeded, $"encoder window {_windowBytes} exceeds this decoder's pending limit {_options.MaxPendingBytes}");
        }

        _helloSeen = true;
    }

    private void OnEnd(ref SpanReader reader)
    {
        _endLength = reader.ReadInt64(long.MaxValue, "length");
        _endChecksum = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(reader.ReadBytes(8));
        if (_endLength != _position)
        {
            throw new WireFormatException(WireError.IntegrityFailure, $"End announces {_endLength} bytes, frames produced {_position}");
        }
    }

    private void TryComplete()
    {
        if (_endLength < 0 || _holes.Count > 0)
        {
            return;
        }

        var checksum = _checksum.GetCurrentHashAsUInt64();
        if (_delivered != _endLength || checksum != _endChecksum)
        {
            throw new WireFormatException(WireError.IntegrityFailure, $"end-to-end check failed: {_delivered} bytes with checksum {checksum:x16}, expected {_endLength} bytes with {_endChecksum:x16}");
        }

        IsComplete = true;
        _feedback.OnAck(_delivered);
    }

    private void PushHistory(in ChunkId id)
    {
        _history[_historyNext] = id;
        _historyNext = (_historyNext + 1) % _history.Length;
        _historyCount = Math.Min(_historyCount + 1, _history.Length);
    }

    /// <summary>A range reported missing; Resend frames fill it in order from <see cref="Next"/>.</summary>
    private sealed class Hole(long start, long end)
    {
        public long Start { get; } = start;

        public long End { get; } = end;

        public long Next { get; set; } = start;
    }
}
