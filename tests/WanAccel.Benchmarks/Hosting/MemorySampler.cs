using System.Diagnostics;

namespace WanAccel.Benchmarks.Hosting;

/// <summary>Samples the managed heap (garbage included) and the resident set every 50 ms; keeps the peaks.</summary>
internal sealed class MemorySampler : IDisposable
{
    private readonly Timer _timer;
    private long _peakManaged;
    private long _peakResident;

    public MemorySampler() => _timer = new Timer(_ => Sample(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(50));

    public long PeakManaged
    {
        get
        {
            Sample();
            return Interlocked.Read(ref _peakManaged);
        }
    }

    public long PeakResident
    {
        get
        {
            Sample();
            return Interlocked.Read(ref _peakResident);
        }
    }

    public void Dispose() => _timer.Dispose();

    private void Sample()
    {
        using var process = Process.GetCurrentProcess();
        Max(ref _peakManaged, GC.GetTotalMemory(forceFullCollection: false));
        Max(ref _peakResident, process.WorkingSet64);
    }

    private static void Max(ref long peak, long value)
    {
        var seen = Interlocked.Read(ref peak);
        while (value > seen && Interlocked.CompareExchange(ref peak, value, seen) != seen)
        {
            seen = Interlocked.Read(ref peak);
        }
    }
}
