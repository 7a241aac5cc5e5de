using System.Buffers;
using System.Diagnostics;

namespace WanAccel.Appliance.WanEmulation;

/// <summary>The scheduler thread of a link: sleeps to within 1 ms of the next due event, then yields until it is due.</summary>
internal sealed partial class WanLink
{
    // Events due within 100 µs of each other go out together: one wake-up, one pass over the pumps.
    private static readonly long BatchTicks = Stopwatch.Frequency / 10_000;
    private static readonly long MillisecondTicks = Stopwatch.Frequency / 1000;

    private readonly PriorityQueue<WanLinkEvent, (long Due, long Sequence)> _events = new();
    private readonly Thread _thread;
    private long _sequence;
    private bool _stopping;

    public void Start() => _thread.Start();

    /// <summary>Stops the thread and returns the buffers of events that never became due.</summary>
    public void Stop()
    {
        lock (_gate)
        {
            _stopping = true;
            Monitor.PulseAll(_gate);
        }

        if (_thread.IsAlive)
        {
            _thread.Join();
        }

        while (_events.TryDequeue(out var e, out _))
        {
            if (e.Segment is { Buffer: { } b, ReturnsBuffer: true })
            {
                ArrayPool<byte>.Shared.Return(b);
            }
        }
    }

    // Caller holds _gate.
    private void Enqueue(WanLinkEvent e, long due)
    {
        var wake = !_events.TryPeek(out _, out var head) || due < head.Due;
        _events.Enqueue(e, (due, _sequence++));
        if (wake)
        {
            Monitor.Pulse(_gate);
        }
    }

    private void RunScheduler()
    {
        var batch = new List<WanLinkEvent>(256);
        while (true)
        {
            long spinUntil = 0;
            long sequence = 0;
            lock (_gate)
            {
                while (!_stopping)
                {
                    if (!_events.TryPeek(out _, out var head))
                    {
                        Monitor.Wait(_gate);
                        continue;
                    }

                    var now = Stopwatch.GetTimestamp();
                    var wait = head.Due - now;
                    if (wait <= 0)
                    {
                        var horizon = now + BatchTicks;
                        while (_events.TryPeek(out _, out var p) && p.Due <= horizon)
                        {
                            batch.Add(_events.Dequeue());
                        }

                        break;
                    }

                    if (wait >= MillisecondTicks)
                    {
                        // Timed waits have whole-millisecond resolution: sleep the whole milliseconds (waking up
                        // to 1 ms early, never late but for OS latency), then yield through the remainder.
                        Monitor.Wait(_gate, (int)Math.Min(wait / MillisecondTicks, int.MaxValue));
                        continue;
                    }

                    spinUntil = head.Due;
                    sequence = _sequence;
                    break;
                }

                if (_stopping)
                {
                    return;
                }
            }

            if (spinUntil != 0)
            {
                // A newly queued event may be due sooner (RTT 0, ACKs): look again when one arrives.
                while (Stopwatch.GetTimestamp() < spinUntil && Volatile.Read(ref _sequence) == sequence)
                {
                    Thread.Yield();
                }

                continue;
            }

            foreach (var e in batch)
            {
                if (e.IsAck)
                {
                    e.Pump.OnAcknowledged(e.AckBytes);
                }
                else
                {
                    e.Pump.Deliver(e.Segment);
                }
            }

            batch.Clear();
        }
    }
}
