using WanAccel.Appliance.Protocols;

namespace WanAccel.Appliance.Tests.Protocols;

/// <summary>Records every event in order (the parser serialises its calls).</summary>
internal sealed class RecordingEvents : IProtocolEvents
{
    public List<ParserEvent> Events { get; } = [];

    public IEnumerable<ParserEvent.Data> Data => Events.OfType<ParserEvent.Data>();

    public IEnumerable<ParserEvent.Stopped> Stops => Events.OfType<ParserEvent.Stopped>();

    /// <summary>The name each file was last opened with.</summary>
    public Dictionary<UInt128, string> Opened => Events.OfType<ParserEvent.Opened>().GroupBy(o => o.File).ToDictionary(g => g.Key, g => g.Last().Name);

    public IEnumerable<UInt128> Closed => Events.OfType<ParserEvent.Closed>().Select(c => c.File);

    public void FileOpened(UInt128 file, string name) => Events.Add(new ParserEvent.Opened(file, name));

    public void FileData(UInt128 file, FileDataKind kind, StreamDirection direction, long streamOffset, long fileOffset, int length) =>
        Events.Add(new ParserEvent.Data(file, kind, direction, streamOffset, fileOffset, length));

    public void FileClosed(UInt128 file) => Events.Add(new ParserEvent.Closed(file));

    public void Encrypted(StreamDirection direction) => Events.Add(new ParserEvent.Encrypted(direction));

    public void ParserStopped(string reason) => Events.Add(new ParserEvent.Stopped(reason));

    /// <summary>
    /// What holds for any input: at most one terminal event (Encrypted or Stopped), and it is the last; no internal
    /// error; data ranges are positive and start inside the stream.
    /// </summary>
    public void AssertWellFormed()
    {
        var terminal = Events.FindIndex(e => e is ParserEvent.Encrypted or ParserEvent.Stopped);
        Assert.True(terminal < 0 || terminal == Events.Count - 1, $"events after the parser stopped: {string.Join(", ", Events.Skip(terminal))}");
        Assert.DoesNotContain(Stops, s => s.Reason.StartsWith("internal error", StringComparison.Ordinal));
        Assert.All(Data, d => Assert.True(d.Length > 0 && d.StreamOffset >= 0 && d.FileOffset >= 0, d.ToString()));
    }
}
