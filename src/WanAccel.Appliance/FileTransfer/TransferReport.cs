namespace WanAccel.Appliance.FileTransfer;

/// <summary>
/// One file copied by <c>wanaccel cp</c>: its length and verified SHA-256, bytes read from the sender's disk, bytes the
/// flow moved on the peer channel, bytes carried as references to the receiving appliance's cache, copied from the
/// receiver's basis file, sent as holes because they were zeros, and skipped because the guest marks them free.
/// </summary>
public sealed record TransferReport(
    string Source,
    string Target,
    long Length,
    string Sha256,
    double Seconds,
    long DiskBytesRead,
    long WanBytes,
    long CacheBytes,
    long BasisBytes,
    long ZeroBytes,
    long GuestFreeBytes,
    bool Resumed,
    string Format);
