using System.Buffers;

namespace WanAccel.Appliance.FileTransfer.Protocol;

/// <summary>
/// FILE (answer to GET and STAT) and ENTRY (one per file of a LIST): <c>isDirectory u8 · size i64 · mtime i64 (Unix ms) ·
/// mode u32 · path</c>; the path is empty in FILE, relative to the listed directory in ENTRY.
/// </summary>
public sealed record FileInfoRecord(bool IsDirectory, long Size, long ModifiedUnixMs, uint Mode, string Path = "")
{
    public static FileInfoRecord Of(string fullPath, string relative = "")
    {
        FileSystemInfo info = new FileInfo(fullPath);
        info = info.LinkTarget is null ? info : info.ResolveLinkTarget(returnFinalTarget: true) ?? info;
        var isDirectory = (info.Attributes & FileAttributes.Directory) != 0;
        var mode = OperatingSystem.IsWindows() ? 0u : (uint)info.UnixFileMode;
        return new FileInfoRecord(isDirectory, isDirectory || info is not FileInfo file ? 0 : file.Length, new DateTimeOffset(info.LastWriteTimeUtc).ToUnixTimeMilliseconds(), mode, relative);
    }

    public void Write(RecordWriter writer, RecordType type = RecordType.FileInfo)
    {
        var w = new PayloadWriter(writer.Begin(type, ProtocolLimits.MaxControlPayload));
        w.U8(IsDirectory ? (byte)1 : (byte)0);
        w.I64(Size);
        w.I64(ModifiedUnixMs);
        w.U32(Mode);
        w.Text(Path, ProtocolLimits.MaxPathBytes);
        writer.Commit(w.Written);
    }

    public static FileInfoRecord Parse(ReadOnlySequence<byte> payload)
    {
        var r = new PayloadReader(payload.IsSingleSegment ? payload.FirstSpan : payload.ToArray());
        var isDirectory = r.U8() switch
        {
            0 => false,
            1 => true,
            var b => throw new FileTransferException(TransferStatus.ProtocolError, $"file kind {b} not understood"),
        };
        var size = r.Length(ProtocolLimits.MaxFileSize);
        var mtime = r.I64();
        var mode = r.U32();
        var path = r.Text(ProtocolLimits.MaxPathBytes);
        r.End();
        if (path.Length > 0 && (path.StartsWith('/') || path.Split('/').Any(p => p is ".." or "." or "")))
        {
            throw new FileTransferException(TransferStatus.PathEscapes, $"entry '{path}' is not a plain relative path");
        }

        return new FileInfoRecord(isDirectory, size, mtime, mode, path);
    }
}
