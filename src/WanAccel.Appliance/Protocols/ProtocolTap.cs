using System.Buffers;

namespace WanAccel.Appliance.Protocols;

/// <summary>
/// Where a flow meets its protocol parser: the flow hands over every byte it reads from and writes to its local end,
/// in order; the tap feeds the parser (as client or server bytes, depending on which end of the connection the local
/// side is) and then the <see cref="FileActivity"/>, and keeps both directions' stream positions.
/// </summary>
internal sealed class ProtocolTap(IProtocolParser parser, FileActivity files, bool localIsClient)
{
    private long _inputPosition;
    private long _outputPosition;

    public FileActivity Files => files;

    /// <summary>The direction of the bytes this side reads locally and encodes.</summary>
    public StreamDirection Sending => localIsClient ? StreamDirection.ToServer : StreamDirection.ToClient;

    /// <summary>The direction of the bytes this side decodes and writes locally.</summary>
    public StreamDirection Receiving => localIsClient ? StreamDirection.ToClient : StreamDirection.ToServer;

    /// <summary>Bytes read from the local end so far (the sending stream's position).</summary>
    public long InputPosition => _inputPosition;

    /// <summary>Bytes written to the local end so far (the receiving stream's position).</summary>
    public long OutputPosition => _outputPosition;

    public void LocalInput(ReadOnlySequence<byte> bytes)
    {
        Feed(Sending, _inputPosition, bytes);
        _inputPosition += bytes.Length;
    }

    public void LocalOutput(ReadOnlyMemory<byte> bytes)
    {
        Feed(Receiving, _outputPosition, new ReadOnlySequence<byte>(bytes));
        _outputPosition += bytes.Length;
    }

    private void Feed(StreamDirection direction, long position, ReadOnlySequence<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return;
        }

        parser.Feed(direction, bytes);
        files.Observe(direction, position, bytes);
    }
}
