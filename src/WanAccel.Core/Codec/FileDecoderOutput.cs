using Microsoft.Win32.SafeHandles;

namespace WanAccel.Core.Codec;

/// <summary>
/// Decoder output into a file: two buffers, one filled by the decoder while the other is written on a pool thread
/// (positional writes), and zero runs of 4 KiB or more left as holes (sparse file). A failed write surfaces at the next
/// buffer switch or at <see cref="Complete"/>, which flushes and sets the final length (a trailing hole still counts).
/// </summary>
public sealed class FileDecoderOutput : IDecoderOutput, IDisposable
{
    private const int HoleThreshold = 4096;
    private readonly SafeFileHandle _handle;
    private byte[] _buffer;
    private byte[] _spare;
    private Task _writing = Task.CompletedTask;
    private int _buffered;
    private long _position;

    public FileDecoderOutput(string path, int bufferBytes = 4 << 20)
    {
        _handle = File.OpenHandle(path, FileMode.Create, FileAccess.Write, FileShare.Read);
        var size = Math.Max(bufferBytes, ChunkLimits.MaxChunkSize);
        _buffer = GC.AllocateUninitializedArray<byte>(size);
        _spare = GC.AllocateUninitializedArray<byte>(size);
    }

    public Span<byte> GetSpan(int sizeHint)
    {
        if (_buffer.Length - _buffered < sizeHint)
        {
            Flush();
        }

        return _buffer.AsSpan(_buffered);
    }

    public void Advance(int count) => _buffered += count;

    public void WriteZeros(long count)
    {
        if (count >= HoleThreshold)
        {
            Flush();
            _position += count;
            return;
        }

        GetSpan((int)count)[..(int)count].Clear();
        _buffered += (int)count;
    }

    /// <summary>Writes what is buffered, waits for every write, and fixes the file length.</summary>
    public void Complete()
    {
        Flush();
        _writing.GetAwaiter().GetResult();
        RandomAccess.SetLength(_handle, _position);
    }

    public void Dispose()
    {
        ((IAsyncResult)_writing).AsyncWaitHandle.WaitOne(); // never close the handle under a write in flight
        _handle.Dispose();
    }

    /// <summary>Hands the filled buffer to a background write (after the previous one ended) and continues in the spare.</summary>
    private void Flush()
    {
        if (_buffered == 0)
        {
            return;
        }

        _writing.GetAwaiter().GetResult();
        var data = new ReadOnlyMemory<byte>(_buffer, 0, _buffered);
        var offset = _position;
        _writing = Task.Run(() => RandomAccess.Write(_handle, data.Span, offset));
        _position += _buffered;
        _buffered = 0;
        (_buffer, _spare) = (_spare, _buffer);
    }
}
