namespace WanAccel.Appliance.FileTransfer.Protocol;

/// <summary>Which bytes of a recognised VM image the sender reads: all stored bytes, or not those the guest marks free.</summary>
public enum SendPolicy : byte
{
    Exact = 0,
    SkipGuestFree = 1,
}
