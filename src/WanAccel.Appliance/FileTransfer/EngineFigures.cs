namespace WanAccel.Appliance.FileTransfer;

/// <summary>
/// What the file server's flow did on the peer channel: <paramref name="WanBytes"/> sent and received (frames and
/// feedback), and <paramref name="CacheBytes"/> of file bytes carried as references to chunks the receiving appliance
/// already held. <paramref name="EncodedBytes"/> is how much of the server's output the encoder has taken so far.
/// </summary>
internal readonly record struct EngineFigures(long WanBytes, long CacheBytes, long EncodedBytes)
{
    /// <summary>What one request added (a connection carries many requests on one flow).</summary>
    public EngineFigures Since(EngineFigures start) => new(WanBytes - start.WanBytes, CacheBytes - start.CacheBytes, EncodedBytes - start.EncodedBytes);
}
