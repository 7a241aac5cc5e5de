using System.Buffers;
using WanAccel.Core.Compression;
using WanAccel.Core.Wire;

namespace WanAccel.Core.Codec;

/// <summary>Raw passage for traffic that cannot benefit, and the codec switch for literals still to come.</summary>
public sealed partial class StreamEncoder
{
    /// <summary>
    /// Codec for literals compressed from the next <see cref="Encode"/> or <see cref="EncodeResend"/> call on. Every
    /// Literals frame names its codec, so a decoder follows a switch at any frame; set it between calls, never during one.
    /// </summary>
    public CodecSpec Codec
    {
        get => _compressors.Spec;
        set => _compressors.Spec = value;
    }

    /// <summary>
    /// Sends <paramref name="input"/> as Passthrough frames at the current <see cref="Position"/>: no chunking, no hashing,
    /// nothing stored, no compression, no change to peer knowledge; frames of at most
    /// <see cref="StreamEncoderOptions.LiteralBatchBytes"/>. Usable after any prefix encoded normally: pass the unconsumed
    /// tail of the last <see cref="Encode"/> call first. The open manifest group is closed first, so no manifest spans
    /// passthrough bytes; a later <see cref="Encode"/> starts cutting afresh.
    /// </summary>
    public void EncodePassthrough(ReadOnlySpan<byte> input, IBufferWriter<byte> output)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        WriteHelloOnce(output);
        if (input.IsEmpty)
        {
            return;
        }

        EndGroup();
        WriteStep(_work, output);
        _segmenter.Reset();
        long wire = 0;
        for (var p = 0; p < input.Length; p += _options.LiteralBatchBytes)
        {
            wire += FrameWriter.WritePassthrough(output, input.Slice(p, Math.Min(_options.LiteralBatchBytes, input.Length - p)));
        }

        // The End frame's checksum covers every output byte, passthrough included (XxHash3: ~15 GB/s, not SHA-256).
        _checksum.Append(input);
        Position += input.Length;
        Statistics.InputBytes += input.Length;
        Statistics.PassthroughBytes += input.Length;
        Statistics.WireBytes += wire;
    }
}
