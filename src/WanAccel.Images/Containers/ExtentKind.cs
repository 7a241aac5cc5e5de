namespace WanAccel.Images.Containers;

/// <summary>What backs a range of a virtual disk.</summary>
public enum ExtentKind : byte
{
    /// <summary>Not allocated in any layer of the chain: reads as zeros, costs nothing to move.</summary>
    Unallocated,

    /// <summary>Allocated but known to read as zeros (qcow2 zero cluster, VHDX PAYLOAD_BLOCK_ZERO, VMDK zeroed grain).</summary>
    Zero,

    /// <summary>Backed by data stored in a container file.</summary>
    Allocated,
}
