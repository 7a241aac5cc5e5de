using System.Diagnostics;

namespace WanAccel.Appliance.WanEmulation;

/// <summary>
/// One direction of the emulated WAN: a FIFO serialiser at the set rate shared by every connection, a
/// propagation delay of RTT/2, loss as retransmission stalls and a bounded byte budget. Times are
/// <see cref="Stopwatch"/> ticks; departure times are kept as a double and advanced arithmetically
/// (start = max(now, link free), free = start + bytes × ticks/byte) so the long-run rate is exact and
/// independent of when the scheduler thread happens to wake.
/// </summary>
internal sealed partial class WanLink
{
    private readonly object _gate = new();
    private readonly double _ticksPerByte;
    private readonly long _oneWayTicks;
    private readonly long _rttTicks;
    private readonly double _loss;
    private readonly Random _random;
    private double _linkFreeAt;

    private long _bytesIn;
    private long _bytesOut;
    private long _segments;
    private long _lostSegments;
    private long _peakInFlight;
    private long _peakConnectionHeld;

    public WanLink(string name, WanEmulatorOptions options)
    {
        Name = name;
        _ticksPerByte = options.RateBitsPerSecond <= 0 ? 0 : Stopwatch.Frequency * 8.0 / options.RateBitsPerSecond;
        _rttTicks = (long)(options.Rtt.TotalSeconds * Stopwatch.Frequency);
        _oneWayTicks = _rttTicks / 2;
        _loss = options.LossProbability;
        _random = options.Seed is int seed ? new Random(seed) : new Random();
        Credit = new ByteCredit(options.EffectiveQueueBytes, WanEmulatorOptions.SegmentSize);

        // A read is one "packet train" on the link: about 1 ms of serialisation, between one segment and 64 KiB.
        // 10 Mbit/s -> 1448 B (~860 events/s); 1 Gbit/s -> 64 KiB (~1,900 events/s).
        var perMs = options.RateBitsPerSecond <= 0 ? int.MaxValue : options.RateBitsPerSecond / 8 / 1000;
        ChunkBytes = (int)Math.Clamp(perMs, WanEmulatorOptions.SegmentSize, 64 * 1024);
        ChunkBytes = (int)Math.Min(ChunkBytes, Credit.Capacity);
        if (options.WindowBytes > 0)
        {
            ChunkBytes = (int)Math.Min(ChunkBytes, options.WindowBytes);
        }

        _thread = new Thread(RunScheduler) { IsBackground = true, Name = $"wan-link {name}" };
    }

    public string Name { get; }

    /// <summary>Bytes on the link (queued or on the wire): reserved before a read, returned when the segment arrives.</summary>
    public ByteCredit Credit { get; }

    /// <summary>Largest read per connection; see the constructor.</summary>
    public int ChunkBytes { get; }

    public long OneWayTicks => _oneWayTicks;

    public WanLinkStatistics Statistics => new()
    {
        BytesIn = Interlocked.Read(ref _bytesIn),
        BytesOut = Interlocked.Read(ref _bytesOut),
        Segments = Interlocked.Read(ref _segments),
        LostSegments = Interlocked.Read(ref _lostSegments),
        QueuedBytes = Credit.InUse,
        PeakQueuedBytes = Credit.PeakInUse,
        QueueCapacityBytes = Credit.Capacity,
        PeakInFlightBytes = Interlocked.Read(ref _peakInFlight),
        PeakConnectionBytes = Interlocked.Read(ref _peakConnectionHeld),
    };

    /// <summary>Puts <paramref name="count"/> freshly read bytes of <paramref name="pump"/>'s stream on the link.</summary>
    public void Send(WanPump pump, byte[] buffer, int count)
    {
        const int mss = WanEmulatorOptions.SegmentSize;
        var segments = (count + mss - 1) / mss;
        Interlocked.Add(ref _bytesIn, count);
        Interlocked.Add(ref _segments, segments);
        lock (_gate)
        {
            var now = Stopwatch.GetTimestamp();
            var start = Math.Max(now, _linkFreeAt);
            _linkFreeAt = start + (count * _ticksPerByte);
            var arrives = (long)Math.Ceiling(_linkFreeAt) + _oneWayTicks;

            // Loss: each segment independently; a lost one arrives an RTT late (fast retransmit) and, the
            // stream being in order, everything after it in this connection waits for it (head-of-line).
            var firstLost = -1;
            var lastLost = -1;
            if (_loss > 0)
            {
                for (var i = 0; i < segments; i++)
                {
                    if (_loss >= 1 || _random.NextDouble() < _loss)
                    {
                        firstLost = firstLost < 0 ? i : firstLost;
                        lastLost = i;
                        Interlocked.Increment(ref _lostSegments);
                    }
                }
            }

            if (firstLost < 0)
            {
                Schedule(pump, new WanSegment(buffer, 0, count, ReturnsBuffer: true), arrives);
                return;
            }

            var split = firstLost * mss;
            if (split > 0)
            {
                var prefixArrives = (long)Math.Ceiling(start + (split * _ticksPerByte)) + _oneWayTicks;
                Schedule(pump, new WanSegment(buffer, 0, split, ReturnsBuffer: false), prefixArrives);
            }

            var lastLostEnd = Math.Min(count, (lastLost + 1) * mss);
            var retransmitted = (long)Math.Ceiling(start + (lastLostEnd * _ticksPerByte)) + _oneWayTicks + _rttTicks;
            Schedule(pump, new WanSegment(buffer, split, count - split, ReturnsBuffer: true), Math.Max(arrives, retransmitted));
        }
    }

    /// <summary>Sends the FIN behind everything already queued by <paramref name="pump"/>.</summary>
    public void SendFin(WanPump pump)
    {
        lock (_gate)
        {
            var arrives = (long)Math.Ceiling(Math.Max(Stopwatch.GetTimestamp(), _linkFreeAt)) + _oneWayTicks;
            Schedule(pump, WanSegment.Fin, arrives);
        }
    }

    /// <summary>The receiver took <paramref name="bytes"/>; their ACK reaches the sender RTT/2 later and frees window.</summary>
    public void Acknowledge(WanPump pump, int bytes)
    {
        lock (_gate)
        {
            Enqueue(new WanLinkEvent(pump, default, bytes), Stopwatch.GetTimestamp() + _oneWayTicks);
        }
    }

    /// <summary>Counts bytes handed to the receiver's socket (credit is returned separately, also for dropped bytes).</summary>
    public void CountWritten(int bytes) => Interlocked.Add(ref _bytesOut, bytes);

    /// <summary>Records a connection's bytes held (read, not yet written to its receiver) and in flight (not yet acknowledged).</summary>
    public void ObserveConnection(long held, long inFlight)
    {
        Max(ref _peakConnectionHeld, held);
        Max(ref _peakInFlight, inFlight);
    }

    private static void Max(ref long peak, long value)
    {
        long current;
        while (value > (current = Interlocked.Read(ref peak)) && Interlocked.CompareExchange(ref peak, value, current) != current)
        {
        }
    }

    // Caller holds _gate. In-order per connection: never earlier than the connection's previous segment.
    private void Schedule(WanPump pump, WanSegment segment, long arrives)
    {
        arrives = Math.Max(arrives, pump.LastArrival);
        pump.LastArrival = arrives;
        Enqueue(new WanLinkEvent(pump, segment, 0), arrives);
    }
}
