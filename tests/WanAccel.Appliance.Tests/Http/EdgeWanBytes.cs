using WanAccel.Appliance.Tests.Hosting;

namespace WanAccel.Appliance.Tests.Http;

/// <summary>WAN bytes of every flow the edge has carried so far (ended and running): proxy connections are pooled, so requests share flows.</summary>
internal static class EdgeWanBytes
{
    /// <summary>Bytes sent to the core (request bodies) and received from it (response bodies).</summary>
    public static (long Out, long In) Measure(AppliancePair pair)
    {
        var records = pair.EdgeEnded.Concat(pair.Edge.Flows.Active).DistinctBy(r => r.Id).ToList();
        return (records.Sum(r => r.Statistics.WanBytesOut), records.Sum(r => r.Statistics.WanBytesIn));
    }
}
