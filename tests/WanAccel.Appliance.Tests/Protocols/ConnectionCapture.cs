using WanAccel.Appliance.Protocols;

namespace WanAccel.Appliance.Tests.Protocols;

/// <summary>
/// Both directions of one connection and the order their pieces arrived in (a request always before its response).
/// Built by hand from frames or recorded by <see cref="RecordingRelay"/>; thread-safe while recording.
/// </summary>
internal sealed class ConnectionCapture
{
    private readonly Lock _gate = new();
    private readonly MemoryStream _toServer = new();
    private readonly MemoryStream _toClient = new();
    private readonly List<CaptureChunk> _chunks = [];

    public IReadOnlyList<CaptureChunk> Chunks
    {
        get
        {
            lock (_gate)
            {
                return [.. _chunks];
            }
        }
    }

    /// <summary>Appends bytes that arrived in <paramref name="direction"/>.</summary>
    public ConnectionCapture Add(StreamDirection direction, ReadOnlySpan<byte> bytes)
    {
        lock (_gate)
        {
            var stream = direction == StreamDirection.ToServer ? _toServer : _toClient;
            _chunks.Add(new CaptureChunk(direction, (int)stream.Length, bytes.Length));
            stream.Write(bytes);
        }

        return this;
    }

    public ConnectionCapture Client(params byte[][] frames) => AddAll(StreamDirection.ToServer, frames);

    public ConnectionCapture Server(params byte[][] frames) => AddAll(StreamDirection.ToClient, frames);

    public ReadOnlyMemory<byte> Stream(StreamDirection direction)
    {
        lock (_gate)
        {
            var stream = direction == StreamDirection.ToServer ? _toServer : _toClient;
            return stream.GetBuffer().AsMemory(0, (int)stream.Length);
        }
    }

    public ReadOnlyMemory<byte> Bytes(CaptureChunk chunk) => Stream(chunk.Direction).Slice(chunk.Offset, chunk.Length);

    private ConnectionCapture AddAll(StreamDirection direction, byte[][] frames)
    {
        foreach (var frame in frames)
        {
            Add(direction, frame);
        }

        return this;
    }
}
