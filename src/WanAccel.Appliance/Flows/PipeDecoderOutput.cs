using System.IO.Pipelines;
using WanAccel.Core.Codec;

namespace WanAccel.Appliance.Flows;

/// <summary>Decoder output into a pipe towards a local socket; zero runs are written as zero bytes.</summary>
internal sealed class PipeDecoderOutput(PipeWriter writer) : IDecoderOutput
{
    private const int ZeroBlock = 64 * 1024;

    /// <summary>Bytes written since the last flush (the pump flushes to apply back-pressure).</summary>
    public long Unflushed { get; private set; }

    public Span<byte> GetSpan(int sizeHint) => writer.GetSpan(sizeHint);

    public void Advance(int count)
    {
        writer.Advance(count);
        Unflushed += count;
    }

    public void WriteZeros(long count)
    {
        while (count > 0)
        {
            var n = (int)Math.Min(count, ZeroBlock);
            writer.GetSpan(n)[..n].Clear();
            writer.Advance(n);
            count -= n;
            Unflushed += n;
        }
    }

    public void Flushed() => Unflushed = 0;
}
