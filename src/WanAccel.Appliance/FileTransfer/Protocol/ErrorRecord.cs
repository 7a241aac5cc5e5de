using System.Buffers;

namespace WanAccel.Appliance.FileTransfer.Protocol;

/// <summary>ERROR: <c>status u8 · message</c>. Ends the current request; the sender of an ERROR closes the stream after it.</summary>
public sealed record ErrorRecord(TransferStatus Status, string Message)
{
    public void Write(RecordWriter writer)
    {
        var message = Message.Length > 300 ? Message[..300] : Message;
        var w = new PayloadWriter(writer.Begin(RecordType.Error, ProtocolLimits.MaxControlPayload));
        w.U8((byte)Status);
        w.Text(message, ProtocolLimits.MaxMessageBytes);
        writer.Commit(w.Written);
    }

    public static ErrorRecord Parse(ReadOnlySequence<byte> payload)
    {
        var r = new PayloadReader(payload.IsSingleSegment ? payload.FirstSpan : payload.ToArray());
        var status = (TransferStatus)r.U8();
        var message = r.Text(ProtocolLimits.MaxMessageBytes);
        r.End();
        return new ErrorRecord(status is > TransferStatus.Ok and <= TransferStatus.PeerUnavailable ? status : TransferStatus.ProtocolError, message);
    }
}
