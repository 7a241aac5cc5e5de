using System.Buffers;

namespace WanAccel.Appliance.FileTransfer.Protocol;

/// <summary>
/// RESULT, the server's last record of a request: <c>length i64 · sha256[32] · wanBytes i64 · cacheBytes i64</c>.
/// For PUT the SHA-256 is the one the server computed over the file it renamed into place; for GET it repeats the
/// sender's. <c>wanBytes</c> is what the server's flow sent and received on the peer channel for this request (frames
/// and feedback), <c>cacheBytes</c> what the engine carried as references to chunks already on the receiving side.
/// </summary>
public sealed record ResultRecord(long Length, byte[] Sha256, long WanBytes, long CacheBytes)
{
    public void Write(RecordWriter writer)
    {
        var w = new PayloadWriter(writer.Begin(RecordType.Result, 56));
        w.I64(Length);
        w.Bytes(Sha256);
        w.I64(WanBytes);
        w.I64(CacheBytes);
        writer.Commit(w.Written);
    }

    public static ResultRecord Parse(ReadOnlySequence<byte> payload)
    {
        var r = new PayloadReader(payload.IsSingleSegment ? payload.FirstSpan : payload.ToArray());
        var result = new ResultRecord(r.Length(ProtocolLimits.MaxFileSize), r.Bytes(32).ToArray(), r.Length(), r.Length());
        r.End();
        return result;
    }
}
