namespace WanAccel.Appliance.PeerLink;

/// <summary>
/// Serves a channel opened by the peer. Runs on the thread pool; when the returned task completes the channel
/// is disposed (output completed with FIN if the handler did not); an exception resets it with
/// <see cref="PeerResetCode.InternalError"/>.
/// </summary>
public delegate Task PeerChannelHandler(PeerChannel channel, ReadOnlyMemory<byte> openMetadata);
