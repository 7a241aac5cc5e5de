namespace WanAccel.Appliance.FileTransfer.Protocol;

/// <summary>Record types of the file-transfer protocol (docs/file-transfer.md); each record is <c>type · u32 length · payload</c>.</summary>
public enum RecordType : byte
{
    /// <summary>Not a record: the stream ended cleanly between records.</summary>
    EndOfStream = 0,
    Request = 1,
    FileInfo = 2,
    Basis = 3,
    BasisEnd = 4,
    Data = 5,
    Hole = 6,
    Copy = 7,
    End = 8,
    Result = 9,
    Error = 10,
    Entry = 11,
    ListEnd = 12,
}
