namespace WanAccel.Images.FileSystems;

/// <summary>Collects used allocation units, in increasing order, as merged byte ranges.</summary>
internal sealed class RangeListBuilder
{
    private readonly List<ByteRange> _ranges = [];
    private readonly long _unit;
    private long _start = -1;
    private long _end = -1;

    public RangeListBuilder(long unitBytes) => _unit = unitBytes;

    /// <summary>Units added so far.</summary>
    public long Units { get; private set; }

    /// <summary>Adds <paramref name="count"/> units from <paramref name="first"/>; calls must not go backwards.</summary>
    public void Add(long first, long count)
    {
        if (count <= 0)
        {
            return;
        }

        Units += count;
        if (first == _end)
        {
            _end += count;
            return;
        }

        Flush();
        _start = first;
        _end = first + count;
    }

    public List<ByteRange> Build()
    {
        Flush();
        _start = _end = -1;
        return _ranges;
    }

    private void Flush()
    {
        if (_end > _start && _start >= 0)
        {
            _ranges.Add(new ByteRange(_start * _unit, (_end - _start) * _unit));
        }
    }
}
