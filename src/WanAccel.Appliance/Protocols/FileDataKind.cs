namespace WanAccel.Appliance.Protocols;

/// <summary>Whether file data on the wire is being read from the server or written to it.</summary>
internal enum FileDataKind
{
    Read,
    Write,
}
