namespace WanAccel.Appliance.Protocols.Nfs.ReadAhead;

/// <summary>How a client's call matters to read-ahead.</summary>
internal enum ClientCallKind
{
    /// <summary>Not an NFSv3 call this could read (or cut short).</summary>
    Unknown,
    Read,
    ChangesData,
    ChangesNames,
    Other,
}
