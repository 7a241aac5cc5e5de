using System.IO.Pipelines;
using WanAccel.Appliance.Protocols;
using WanAccel.Core.Codec;

namespace WanAccel.Appliance.Flows;

/// <summary>Decoder output into a pipe towards a local socket; zero runs are written as zero bytes. A protocol tap sees every byte written.</summary>
internal sealed class PipeDecoderOutput(PipeWriter writer, ProtocolTap? tap = null) : IDecoderOutput
{
    private const int ZeroBlock = 64 * 1024;

    private Memory<byte> _lent;

    /// <summary>Bytes written since the last flush (the pump flushes to apply back-pressure).</summary>
    public long Unflushed { get; private set; }

    public Span<byte> GetSpan(int sizeHint)
    {
        _lent = writer.GetMemory(sizeHint);
        return _lent.Span;
    }

    public void Advance(int count)
    {
        tap?.LocalOutput(_lent[..count]);
        writer.Advance(count);
        Unflushed += count;
    }

    public void WriteZeros(long count)
    {
        while (count > 0)
        {
            var n = (int)Math.Min(count, ZeroBlock);
            var block = writer.GetMemory(n)[..n];
            block.Span.Clear();
            tap?.LocalOutput(block);
            writer.Advance(n);
            count -= n;
            Unflushed += n;
        }
    }

    public void Flushed() => Unflushed = 0;
}
