namespace WanAccel.Appliance.FileTransfer;

/// <summary>
/// What the file server's flow did on the peer channel: <paramref name="WanBytes"/> sent and received (frames and
/// feedback), and <paramref name="CacheBytes"/> of file bytes carried as references to chunks the receiving appliance
/// already held. <paramref name="EncodedBytes"/> is how much of the server's output the encoder has taken so far.
/// </summary>
internal readonly record struct EngineFigures(long WanBytes, long CacheBytes, long EncodedBytes);
