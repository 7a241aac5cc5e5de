using System.Diagnostics;
using WanAccel.Appliance.Flows;
using WanAccel.Core.Codec;

namespace WanAccel.Appliance.Hosting;

/// <summary>One flow as the appliance tracks it: where it came from and went, and its live byte counts.</summary>
public sealed class FlowRecord
{
    private readonly long _started = Stopwatch.GetTimestamp();
    private long _ended;

    internal FlowRecord(long id, string rule, string protocol, string peer, string destination, FlowOrigin origin)
    {
        Id = id;
        Rule = rule;
        Protocol = protocol;
        Peer = peer;
        Destination = destination;
        Origin = origin;
    }

    public long Id { get; }

    public string Rule { get; }

    public string Protocol { get; }

    public string Peer { get; }

    public string Destination { get; }

    public FlowOrigin Origin { get; }

    /// <summary>LAN and WAN byte counts; live while the flow runs.</summary>
    public FlowStatistics Statistics => Session?.Statistics ?? Empty;

    /// <summary>What this side's encoder did (zero bytes, references, literals); null before the session starts.</summary>
    public EncodeStatistics? Encoded => Session?.Encoded;

    /// <summary>What this side's decoder did (hits, misses, resends); null before the session starts.</summary>
    public DecodeStatistics? Decoded => Session?.Decoded;

    public TimeSpan Duration => Stopwatch.GetElapsedTime(_started, Volatile.Read(ref _ended) is var end and not 0 ? end : Stopwatch.GetTimestamp());

    /// <summary>Why the flow failed; null while running or after a clean end.</summary>
    public Exception? Error { get; private set; }

    public bool IsCompleted => Volatile.Read(ref _ended) != 0;

    /// <summary>NFS read-ahead counts when this flow reads ahead (an <c>nfs</c> rule with read-ahead on both sides), else null.</summary>
    public Protocols.Nfs.ReadAhead.NfsReadAheadStatistics? NfsReadAhead { get; internal set; }

    internal FlowSession? Session { get; set; }

    private static FlowStatistics Empty { get; } = new();

    internal void End(Exception? error)
    {
        Error = error;
        Volatile.Write(ref _ended, Stopwatch.GetTimestamp());
    }
}
