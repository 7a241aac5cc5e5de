namespace WanAccel.Images.Containers;

/// <summary>Container formats, detected by content.</summary>
public enum ImageFormat
{
    Raw,
    Vhd,
    Vhdx,
    Vmdk,
    Vdi,
    Qcow2,
}
