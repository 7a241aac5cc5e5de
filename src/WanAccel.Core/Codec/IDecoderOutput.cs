namespace WanAccel.Core.Codec;

/// <summary>Where a decoder delivers the reconstructed bytes, in order.</summary>
public interface IDecoderOutput
{
    /// <summary>A writable span of at least <paramref name="sizeHint"/> bytes, committed with <see cref="Advance"/>.</summary>
    Span<byte> GetSpan(int sizeHint);

    void Advance(int count);

    /// <summary>Appends <paramref name="count"/> zero bytes (a file output may leave a hole instead).</summary>
    void WriteZeros(long count);
}
