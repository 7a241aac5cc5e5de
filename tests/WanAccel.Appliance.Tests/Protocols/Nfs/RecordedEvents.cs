using WanAccel.Appliance.Protocols;

namespace WanAccel.Appliance.Tests.Protocols.Nfs;

/// <summary>Every event a parser reports, in order, as text (for comparing runs) and as data ranges (for oracles).</summary>
internal sealed class RecordedEvents : IProtocolEvents
{
    private readonly Lock _lock = new();

    public List<string> Log { get; } = [];

    public List<(UInt128 File, FileDataKind Kind, StreamDirection Direction, long StreamOffset, long FileOffset, int Length)> Data { get; } = [];

    public Dictionary<UInt128, string> Opened { get; } = [];

    public List<UInt128> Closed { get; } = [];

    public List<string> Stops { get; } = [];

    public void FileOpened(UInt128 file, string name) => Add($"open {file:X} {name}", () => Opened[file] = name);

    public void FileData(UInt128 file, FileDataKind kind, StreamDirection direction, long streamOffset, long fileOffset, int length) =>
        Add($"data {file:X} {kind} {direction} {streamOffset} {fileOffset} {length}", () => Data.Add((file, kind, direction, streamOffset, fileOffset, length)));

    public void FileClosed(UInt128 file) => Add($"close {file:X}", () => Closed.Add(file));

    public void Encrypted(StreamDirection direction) => Add($"encrypted {direction}", () => { });

    public void ParserStopped(string reason) => Add($"stopped {reason}", () => Stops.Add(reason));

    private void Add(string line, Action apply)
    {
        lock (_lock)
        {
            Log.Add(line);
            apply();
        }
    }
}
