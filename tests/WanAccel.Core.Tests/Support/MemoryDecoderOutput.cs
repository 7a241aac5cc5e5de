using System.Buffers;
using WanAccel.Core.Codec;

namespace WanAccel.Core.Tests.Support;

/// <summary>Decoder output collected in memory.</summary>
internal sealed class MemoryDecoderOutput : IDecoderOutput
{
    private readonly ArrayBufferWriter<byte> _buffer = new();

    public Span<byte> GetSpan(int sizeHint) => _buffer.GetSpan(sizeHint);

    public void Advance(int count) => _buffer.Advance(count);

    public void WriteZeros(long count)
    {
        var span = _buffer.GetSpan((int)count)[..(int)count];
        span.Clear();
        _buffer.Advance((int)count);
    }

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();
}
