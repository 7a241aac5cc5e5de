namespace WanAccel.Appliance.Protocols;

/// <summary>
/// What a protocol parser reports. <c>file</c> keys are the parser's own 128-bit names for open files (an SMB2 FileId,
/// a hash of an NFS file handle), stable for the connection.
/// </summary>
internal interface IProtocolEvents
{
    /// <summary>
    /// A file was opened (SMB2 CREATE response) or named (NFS LOOKUP/CREATE reply). <paramref name="name"/> is the path as
    /// the protocol shows it, with the share or export first when known (<c>\\server\share\dir\disk.vhdx</c>, <c>/export/dir/disk.qcow2</c>).
    /// </summary>
    void FileOpened(UInt128 file, string name);

    /// <summary>
    /// File data travels in <paramref name="direction"/>: stream bytes [<paramref name="streamOffset"/>,
    /// +<paramref name="length"/>) are the file's bytes [<paramref name="fileOffset"/>, +<paramref name="length"/>).
    /// Reported as soon as the message header is parsed, before the payload bytes are fed (so the engine can cut chunks
    /// at the payload's edges), for READ responses and WRITE requests only.
    /// </summary>
    void FileData(UInt128 file, FileDataKind kind, StreamDirection direction, long streamOffset, long fileOffset, int length);

    /// <summary>The file was closed (SMB2 CLOSE response, NFSv3 COMMIT reply).</summary>
    void FileClosed(UInt128 file);

    /// <summary>The connection is encrypted from here on (SMB3 transform header): the parser stops; the flow should pass it through.</summary>
    void Encrypted(StreamDirection direction);

    /// <summary>The parser stopped following the connection; <paramref name="reason"/> says why (for a debug log line).</summary>
    void ParserStopped(string reason);
}
