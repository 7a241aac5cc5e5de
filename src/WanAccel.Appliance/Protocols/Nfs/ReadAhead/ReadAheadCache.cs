namespace WanAccel.Appliance.Protocols.Nfs.ReadAhead;

/// <summary>
/// The edge's read-ahead replies waiting for the client's READ of exactly (fh, offset, count), at most
/// <see cref="Capacity"/> bytes. Files the client changed are marked and never cached again on this connection.
/// </summary>
internal sealed class ReadAheadCache(long capacity)
{
    private readonly Dictionary<(UInt128 File, ulong Offset, uint Count), byte[]> _replies = [];
    private readonly HashSet<UInt128> _changed = [];
    private readonly Dictionary<UInt128, ulong> _readTo = [];
    private long _bytes;
    private bool _off;

    public long Capacity => capacity;

    /// <summary>Keeps <paramref name="message"/> (the server's reply) unless the file changed or there is no room; false when dropped.</summary>
    public bool Add(UInt128 file, ulong offset, uint count, ReadOnlySpan<byte> message)
    {
        if (_off || _changed.Contains(file) || _replies.ContainsKey((file, offset, count)))
        {
            return false;
        }

        if (_bytes + message.Length > capacity)
        {
            EvictBehindReader();
            if (_bytes + message.Length > capacity)
            {
                return false;
            }
        }

        _replies[(file, offset, count)] = message.ToArray();
        _bytes += message.Length;
        return true;
    }

    /// <summary>Takes the reply to a READ of exactly (file, offset, count), if cached; notes how far the client has read.</summary>
    public byte[]? Take(UInt128 file, ulong offset, uint count)
    {
        if (_readTo.Count < 1024 || _readTo.ContainsKey(file))
        {
            _readTo[file] = offset + count;
        }

        if (!_replies.Remove((file, offset, count), out var message))
        {
            return null;
        }

        _bytes -= message.Length;
        return message;
    }

    /// <summary>The client changed the file: drop it and cache nothing more of it.</summary>
    public void Changed(UInt128 file)
    {
        if (_changed.Count < 4096)
        {
            _changed.Add(file);
        }
        else
        {
            Off(); // too many files changed to track: cache nothing more at all
            return;
        }

        foreach (var key in _replies.Keys.Where(k => k.File == file).ToList())
        {
            _bytes -= _replies[key].Length;
            _replies.Remove(key);
        }
    }

    /// <summary>Drops everything and caches nothing more (read-ahead stopped).</summary>
    public void Off()
    {
        _off = true;
        Clear();
    }

    public void Clear()
    {
        _replies.Clear();
        _bytes = 0;
    }

    /// <summary>Replies for offsets the client has already read past will not be asked for: make room from them.</summary>
    private void EvictBehindReader()
    {
        foreach (var key in _replies.Keys.Where(k => _readTo.TryGetValue(k.File, out var to) && k.Offset + k.Count <= to).ToList())
        {
            _bytes -= _replies[key].Length;
            _replies.Remove(key);
        }
    }
}
