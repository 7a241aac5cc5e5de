namespace WanAccel.Appliance.Tests.EndToEnd;

/// <summary>What "warm" means in these tests: a repeat transfer whose data the peer holds puts under 5 % of it on the WAN.</summary>
/// <remarks>
/// Alone, warm repeats measure under 1 %; beside parallel tests, flush cuts (a reader that waits past FlushDelay)
/// move chunk boundaries and cost some literal chunks (1.7 % seen). A cold transfer of these payloads costs 50–70 %.
/// </remarks>
internal static class Warm
{
    public static void AssertWarm(long wanBytes, long payloadBytes, string what) =>
        Assert.True(wanBytes < payloadBytes / 20, $"{what}: {wanBytes} WAN bytes for {payloadBytes} bytes of data the peer holds");
}
