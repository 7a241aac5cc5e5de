namespace WanAccel.Appliance.Flows;

/// <summary>
/// Bounds how many flows run the engine's encoder, and its decoder, at once, process-wide. An encode step blocks its thread while its
/// hashing and compression fan out over the thread pool; with hundreds of flows unbounded, every pool thread ends up
/// blocked in an encoder waiting for work that no free thread can run, and the peer link's own reads, writes and
/// pings starve with them (seen as links dropped for silence with 200 concurrent flows). The CPU cannot encode more
/// than a few steps at once anyway: twice the core count keeps it busy.
/// </summary>
internal static class EngineGate
{
    public static SemaphoreSlim Encoders { get; } = new(2 * Environment.ProcessorCount);

    /// <summary>Decoding verifies and stores literal batches in parallel, blocking the same way.</summary>
    public static SemaphoreSlim Decoders { get; } = new(2 * Environment.ProcessorCount);
}
