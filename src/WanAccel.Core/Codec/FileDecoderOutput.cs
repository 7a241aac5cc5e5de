using Microsoft.Win32.SafeHandles;

namespace WanAccel.Core.Codec;

/// <summary>
/// Decoder output into a file: buffered positional writes, and zero runs of 4 KiB or more left as holes (sparse file).
/// Call <see cref="Complete"/> to flush and set the final length (a trailing hole still counts).
/// </summary>
public sealed class FileDecoderOutput : IDecoderOutput, IDisposable
{
    private const int HoleThreshold = 4096;
    private readonly SafeFileHandle _handle;
    private readonly byte[] _buffer;
    private int _buffered;
    private long _position;

    public FileDecoderOutput(string path, int bufferBytes = 4 << 20)
    {
        _handle = File.OpenHandle(path, FileMode.Create, FileAccess.Write, FileShare.Read);
        _buffer = GC.AllocateUninitializedArray<byte>(Math.Max(bufferBytes, ChunkLimits.MaxChunkSize));
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

    /// <summary>Writes what is buffered and fixes the file length.</summary>
    public void Complete()
    {
        Flush();
        RandomAccess.SetLength(_handle, _position);
    }

    public void Dispose() => _handle.Dispose();

    private void Flush()
    {
        if (_buffered > 0)
        {
            RandomAccess.Write(_handle, _buffer.AsSpan(0, _buffered), _position);
            _position += _buffered;
            _buffered = 0;
        }
    }
}
