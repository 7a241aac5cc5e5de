namespace WanAccel.Appliance.Protocols.Nfs;

/// <summary>The calls whose replies the NFS parser reads.</summary>
internal enum PendingCallKind
{
    Read,
    Lookup,
    Create,
    Commit,
    Mount,
}
