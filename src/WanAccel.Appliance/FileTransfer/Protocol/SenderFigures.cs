namespace WanAccel.Appliance.FileTransfer.Protocol;

/// <summary>
/// What the sending side counted: bytes read from its disk, bytes sent as HOLE records because they were zeros (holes,
/// zero clusters, zero blocks), because the guest file system marks them free (skip-guest-free), and as COPY records
/// because the receiver's basis already held them.
/// </summary>
public readonly record struct SenderFigures(long DiskBytesRead, long ZeroBytes, long GuestFreeBytes, long BasisBytes);
