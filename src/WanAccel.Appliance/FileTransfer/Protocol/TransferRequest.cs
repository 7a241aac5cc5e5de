using System.Buffers;

namespace WanAccel.Appliance.FileTransfer.Protocol;

/// <summary>
/// REQUEST: <c>op u8 · flags u8 · policy u8 · size i64 · mtime i64 (Unix ms) · mode u32 · path · name</c> (texts are
/// u16 length + UTF-8). <paramref name="Size"/>, <paramref name="ModifiedUnixMs"/> and <paramref name="Mode"/> describe the
/// client's file for PUT and are 0 otherwise; <paramref name="Name"/> is the file name a PUT takes when
/// <paramref name="Path"/> is a directory.
/// </summary>
public sealed record TransferRequest(TransferOp Op, TransferFlags Flags, SendPolicy Policy, string Path, string Name = "",
    long Size = 0, long ModifiedUnixMs = 0, uint Mode = 0)
{
    public void Write(RecordWriter writer)
    {
        var w = new PayloadWriter(writer.Begin(RecordType.Request, ProtocolLimits.MaxControlPayload));
        w.U8((byte)Op);
        w.U8((byte)Flags);
        w.U8((byte)Policy);
        w.I64(Size);
        w.I64(ModifiedUnixMs);
        w.U32(Mode);
        w.Text(Path, ProtocolLimits.MaxPathBytes);
        w.Text(Name, 255);
        writer.Commit(w.Written);
    }

    public static TransferRequest Parse(ReadOnlySequence<byte> payload)
    {
        var r = new PayloadReader(payload.IsSingleSegment ? payload.FirstSpan : payload.ToArray());
        var op = (TransferOp)r.U8();
        var flags = (TransferFlags)r.U8();
        var policy = (SendPolicy)r.U8();
        var size = r.Length(ProtocolLimits.MaxFileSize);
        var mtime = r.I64();
        var mode = r.U32();
        var path = r.Text(ProtocolLimits.MaxPathBytes);
        var name = r.Text(255);
        r.End();
        if (op is < TransferOp.Put or > TransferOp.List || policy > SendPolicy.SkipGuestFree || (byte)flags > 15)
        {
            throw new FileTransferException(TransferStatus.ProtocolError, $"request op {(byte)op}, policy {(byte)policy} or flags {(byte)flags} not understood");
        }

        if (name is "." or ".." || name.Contains('/', StringComparison.Ordinal))
        {
            throw new FileTransferException(TransferStatus.PathEscapes, $"file name '{name}' must be a single path component");
        }

        return new TransferRequest(op, flags, policy, path, name, size, mtime, mode);
    }
}
