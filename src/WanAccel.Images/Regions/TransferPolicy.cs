namespace WanAccel.Images.Regions;

/// <summary>Which bytes of a disk a copy moves.</summary>
public enum TransferPolicy
{
    /// <summary>Every byte the container stores as data (allocated, non-zero): an exact copy of the disk.</summary>
    Exact,

    /// <summary>As <see cref="Exact"/> but blocks the guest file system marks free are not sent (they read as zeros at the far end).</summary>
    SkipGuestFree,
}
