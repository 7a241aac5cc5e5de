namespace WanAccel.Appliance.FileTransfer;

/// <summary>How the sender treats a range of its file.</summary>
public enum SegmentKind
{
    /// <summary>Read from disk and sent (as DATA, or COPY when the receiver's basis holds it).</summary>
    Read,

    /// <summary>A hole of a sparse file: zeros, never read, sent as HOLE.</summary>
    Hole,

    /// <summary>Data of a VM image the guest file system marks free (skip-guest-free): never read, sent as HOLE.</summary>
    GuestFree,
}
