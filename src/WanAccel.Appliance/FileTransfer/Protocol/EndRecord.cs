using System.Buffers;

namespace WanAccel.Appliance.FileTransfer.Protocol;

/// <summary>
/// END, the sender's last record of a file: <c>length i64 · sha256[32] · diskBytesRead i64 · zeroBytes i64 ·
/// guestFreeBytes i64 · basisBytes i64</c>. The SHA-256 covers the whole logical file (holes and basis copies included),
/// which the receiver must reproduce before it renames the file into place.
/// </summary>
public sealed record EndRecord(long Length, byte[] Sha256, SenderFigures Figures)
{
    public void Write(RecordWriter writer)
    {
        var w = new PayloadWriter(writer.Begin(RecordType.End, 72));
        w.I64(Length);
        w.Bytes(Sha256);
        w.I64(Figures.DiskBytesRead);
        w.I64(Figures.ZeroBytes);
        w.I64(Figures.GuestFreeBytes);
        w.I64(Figures.BasisBytes);
        writer.Commit(w.Written);
    }

    public static EndRecord Parse(ReadOnlySequence<byte> payload)
    {
        var r = new PayloadReader(payload.IsSingleSegment ? payload.FirstSpan : payload.ToArray());
        var length = r.Length(ProtocolLimits.MaxFileSize);
        var sha = r.Bytes(32).ToArray();
        var figures = new SenderFigures(r.Length(), r.Length(), r.Length(), r.Length());
        r.End();
        return new EndRecord(length, sha, figures);
    }
}
