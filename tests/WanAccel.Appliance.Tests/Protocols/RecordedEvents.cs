using WanAccel.Appliance.Protocols;

namespace WanAccel.Appliance.Tests.Protocols;

/// <summary>Records what a parser reports, in order, as comparable text lines and typed data events.</summary>
internal sealed class RecordedEvents : IProtocolEvents
{
    public List<string> Lines { get; } = [];

    public List<(UInt128 File, FileDataKind Kind, StreamDirection Direction, long StreamOffset, long FileOffset, int Length)> Data { get; } = [];

    public Dictionary<UInt128, string> Names { get; } = [];

    public int Stops { get; private set; }

    public bool IsEncrypted { get; private set; }

    public void FileOpened(UInt128 file, string name)
    {
        Names[file] = name;
        Lines.Add($"open {file:x} {name}");
    }

    public void FileData(UInt128 file, FileDataKind kind, StreamDirection direction, long streamOffset, long fileOffset, int length)
    {
        Data.Add((file, kind, direction, streamOffset, fileOffset, length));
        Lines.Add($"data {file:x} {kind} {direction} {streamOffset} {fileOffset} {length}");
    }

    public void FileClosed(UInt128 file) => Lines.Add($"close {file:x}");

    public void Encrypted(StreamDirection direction)
    {
        IsEncrypted = true;
        Lines.Add($"encrypted {direction}");
    }

    public void ParserStopped(string reason)
    {
        Stops++;
        Lines.Add("stopped");
    }
}
