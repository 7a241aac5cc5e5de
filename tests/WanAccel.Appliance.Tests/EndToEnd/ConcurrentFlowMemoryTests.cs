using Xunit.Abstractions;

namespace WanAccel.Appliance.Tests.EndToEnd;

/// <summary>
/// 200 concurrent flows hold a bounded amount of memory each (figures from <see cref="HeldFlowsMeasurement"/>). Budgets
/// are per flow, edge and core together, with the flow open and idle after 512 KiB. What a flow needs then: each
/// encoder's two steps and plans (~0.4 MiB a side at BatchBytes 4 MiB: 4,112 segments × 40 B × 2 + plans), the input
/// kept for resends until the decoder acknowledges it (≤ 1 MiB, one ack interval; 0.5 MiB here), the decoders' id
/// arrays, channel and pipe buffers (drained here), and what the staging buffers actually hold (≤ 0.5 MiB): about
/// 3.5 MiB measured besides the staging arrays. A buffer that grows with the stream, or a large one rented per flow
/// whether it is used or not, breaks the budget.
/// </summary>
[Collection(MeasuresProcessMemory.Name)]
public sealed class ConcurrentFlowMemoryTests(HeldFlowsMeasurement measurement, ITestOutputHelper output) : IClassFixture<HeldFlowsMeasurement>
{
    /// <summary>Memory touched per flow (resident set growth): the ~3.5 MiB above, rounded up.</summary>
    private const long ResidentBudget = 4L << 20;

    /// <summary>Managed heap per flow, rented-but-untouched buffers included: the ~3.5 MiB above with room for staging sized to use.</summary>
    private const long ManagedBudget = 8L << 20;

    [Fact]
    public void TwoHundredFlows_HeldMidTransfer_ByteExactAndResidentMemoryPerFlowBounded()
    {
        output.WriteLine(measurement.ToString());
        Assert.Equal(0, measurement.Failures);
        Assert.True(measurement.ResidentPerFlow < ResidentBudget,
            $"{HeldFlowsMeasurement.Mib(measurement.ResidentPerFlow)} resident per flow over the {HeldFlowsMeasurement.Mib(ResidentBudget)} budget; {measurement}");
    }

    [Fact]
    public void TwoHundredFlows_HeldMidTransfer_ManagedMemoryPerFlowBounded()
    {
        output.WriteLine(measurement.ToString());
        Assert.True(measurement.ManagedPerFlow < ManagedBudget,
            $"{HeldFlowsMeasurement.Mib(measurement.ManagedPerFlow)} managed per flow over the {HeldFlowsMeasurement.Mib(ManagedBudget)} budget; {measurement}");
    }
}
