using System.Buffers;

namespace WanAccel.Core.Codec;

/// <summary>
/// A window of memory that is not on the managed heap (a mapped file), as <see cref="Memory{T}"/>. It owns nothing:
/// whoever owns the memory keeps it alive while the window is used.
/// </summary>
internal sealed unsafe class UnmanagedWindow(byte* pointer, int length) : MemoryManager<byte>
{
    public override Span<byte> GetSpan() => new(pointer, length);

    public override MemoryHandle Pin(int elementIndex = 0)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)elementIndex, (uint)length, nameof(elementIndex));
        return new MemoryHandle(pointer + elementIndex);
    }

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
    }
}
