namespace WanAccel.Appliance.FileTransfer;

/// <summary>What peers may do inside an export: read (pull), write (push), or both.</summary>
public enum ExportAccess
{
    Read = 1,
    Write = 2,
    ReadWrite = Read | Write,
}
