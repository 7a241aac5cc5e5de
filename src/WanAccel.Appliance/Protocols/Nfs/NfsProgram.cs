namespace WanAccel.Appliance.Protocols.Nfs;

/// <summary>The ONC-RPC programs and versions the NFS parser follows (RFC 1813).</summary>
internal static class NfsProgram
{
    public const uint Nfs = 100003;
    public const uint Mount = 100005;
    public const uint Version3 = 3;

    /// <summary>MOUNTPROC3_MNT (RFC 1813 §5.2.1).</summary>
    public const uint MountMnt = 1;

    /// <summary>NFS3_OK and MNT3_OK.</summary>
    public const uint Ok = 0;
}
