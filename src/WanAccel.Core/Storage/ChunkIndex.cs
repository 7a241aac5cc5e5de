using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace WanAccel.Core.Storage;

/// <summary>
/// In-memory index: id prefix (8 bytes) → packed <see cref="ChunkLocation"/> (8 bytes), an open-addressing table with
/// linear probing in one array of 16-byte entries. The table grows by 1.5x at load 0.8, so the load stays in
/// (0.53, 0.8] and memory in [20, 30] bytes per chunk (the figure <see cref="MemoryBytes"/> reports).
/// <para>
/// Concurrency: one writer (the store's write lock) and any number of lock-free readers. Inserts into an empty slot
/// publish the key before the location (a reader sees nothing or the whole entry); removals (backward-shift deletion)
/// and resizes run inside a seqlock (odd version), and readers retry when the version moved. A reader may still see a
/// location that was just removed; the store verifies every record it reads, so that costs a miss, never wrong bytes.
/// </para>
/// Equal prefixes (a 2^-64 accident per pair, or an attacker grinding 2^32 SHA-256s) get separate entries; readers
/// collect every entry with the prefix and the store picks the one whose record holds the full id.
/// </summary>
internal sealed class ChunkIndex
{
    /// <summary>Entries with one prefix returned per lookup; more than this only happens under attack, and costs misses.</summary>
    public const int MaxCandidates = 4;

    private const int MinSlots = 1024;
    private const double MaxLoad = 0.8;

    // Random per process so a peer cannot aim chunk ids at one probe run (ids are public SHA-256s).
    private readonly ulong _seed = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));
    private Entry[] _entries;
    private int _limit;
    private int _count;
    private long _version;

    public ChunkIndex(int expectedCount = 0)
    {
        _entries = new Entry[SlotsFor(expectedCount)];
        _limit = (int)(_entries.Length * MaxLoad);
    }

    public int Count => Volatile.Read(ref _count);

    /// <summary>Bytes held by the table (the only per-chunk memory of the store).</summary>
    public long MemoryBytes => (long)Volatile.Read(ref _entries).Length * Unsafe.SizeOf<Entry>();

    /// <summary>Copies the locations of up to <see cref="MaxCandidates"/> entries with <paramref name="prefix"/>; returns how many.</summary>
    public int Find(ulong prefix, Span<ulong> locations)
    {
        var spinner = default(SpinWait);
        while (true)
        {
            long version = Volatile.Read(ref _version);
            if ((version & 1) == 0)
            {
                int found = Probe(Volatile.Read(ref _entries), prefix, locations);
                Interlocked.MemoryBarrier(); // the probe's loads complete before the version is read again
                if (Volatile.Read(ref _version) == version)
                {
                    return found;
                }
            }

            spinner.SpinOnce(sleep1Threshold: -1);
        }
    }

    /// <summary>Adds an entry (writer only).</summary>
    public void Add(ulong prefix, ulong location)
    {
        if (_count >= _limit)
        {
            Resize(checked((int)(_entries.Length * 1.5)));
        }

        var entries = _entries;
        int i = Home(prefix, entries.Length);
        while (entries[i].Location != 0)
        {
            i = i + 1 == entries.Length ? 0 : i + 1;
        }

        entries[i].Key = prefix;
        Volatile.Write(ref entries[i].Location, location); // publish after the key
        Volatile.Write(ref _count, _count + 1);
    }

    /// <summary>Removes the entry (<paramref name="prefix"/>, <paramref name="location"/>) if present (writer only).</summary>
    public bool Remove(ulong prefix, ulong location)
    {
        var entries = _entries;
        int i = Home(prefix, entries.Length);
        for (int step = 0; step < entries.Length; step++)
        {
            ulong current = entries[i].Location;
            if (current == 0)
            {
                return false;
            }

            if (current == location && entries[i].Key == prefix)
            {
                Interlocked.Increment(ref _version);
                DeleteAt(entries, i);
                Interlocked.Increment(ref _version);
                Volatile.Write(ref _count, _count - 1);
                return true;
            }

            i = i + 1 == entries.Length ? 0 : i + 1;
        }

        return false;
    }

    /// <summary>Drops every entry of a segment tag by rebuilding the table (writer only; fallback when a sidecar is lost).</summary>
    public void RemoveSegment(int segmentTag)
    {
        var old = _entries;
        var rebuilt = new Entry[old.Length];
        int count = 0;
        foreach (ref readonly var entry in old.AsSpan())
        {
            if (entry.Location != 0 && ChunkLocation.SegmentTag(entry.Location) != segmentTag)
            {
                Insert(rebuilt, entry.Key, entry.Location);
                count++;
            }
        }

        Publish(rebuilt);
        Volatile.Write(ref _count, count);
    }

    private static int SlotsFor(int count) => Math.Max(MinSlots, (int)Math.Min(Array.MaxLength, (long)(count / 0.7) + 1));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Home(ulong prefix, int slots)
    {
        ulong x = (prefix ^ _seed) * 0x9E3779B97F4A7C15UL;
        x ^= x >> 29;
        return (int)Math.BigMul(x, (ulong)slots, out _); // fast range reduction: no power-of-two rounding of the table
    }

    private int Probe(Entry[] entries, ulong prefix, Span<ulong> locations)
    {
        int found = 0;
        int i = Home(prefix, entries.Length);
        for (int step = 0; step < entries.Length; step++)
        {
            ulong location = Volatile.Read(ref entries[i].Location);
            if (location == 0)
            {
                break;
            }

            if (entries[i].Key == prefix && found < locations.Length)
            {
                locations[found++] = location;
            }

            i = i + 1 == entries.Length ? 0 : i + 1;
        }

        return found;
    }

    private void Insert(Entry[] entries, ulong prefix, ulong location)
    {
        int i = Home(prefix, entries.Length);
        while (entries[i].Location != 0)
        {
            i = i + 1 == entries.Length ? 0 : i + 1;
        }

        entries[i] = new Entry { Key = prefix, Location = location };
    }

    // Backward-shift deletion (Knuth 6.4 Algorithm R): keeps probe runs gap-free without tombstones.
    private void DeleteAt(Entry[] entries, int hole)
    {
        int n = entries.Length;
        int j = hole;
        while (true)
        {
            j = j + 1 == n ? 0 : j + 1;
            if (entries[j].Location == 0)
            {
                break;
            }

            int home = Home(entries[j].Key, n);
            bool movable = hole <= j ? home <= hole || home > j : home <= hole && home > j;
            if (movable)
            {
                entries[hole] = entries[j];
                hole = j;
            }
        }

        entries[hole] = default;
    }

    private void Resize(int slots)
    {
        var rebuilt = new Entry[slots];
        foreach (ref readonly var entry in _entries.AsSpan())
        {
            if (entry.Location != 0)
            {
                Insert(rebuilt, entry.Key, entry.Location);
            }
        }

        Publish(rebuilt);
    }

    private void Publish(Entry[] entries)
    {
        Interlocked.Increment(ref _version);
        Volatile.Write(ref _entries, entries);
        _limit = (int)(entries.Length * MaxLoad);
        Interlocked.Increment(ref _version);
    }

    private struct Entry
    {
        public ulong Key;
        public ulong Location;
    }
}
