namespace WanAccel.Appliance.WanEmulation;

/// <summary>
/// A piece of one connection's stream on its way through a link: a slice of a pooled buffer, or the FIN.
/// The slice that ends a buffer returns it to the pool once written.
/// </summary>
internal readonly record struct WanSegment(byte[]? Buffer, int Offset, int Count, bool ReturnsBuffer)
{
    public static WanSegment Fin => default;

    public bool IsFin => Buffer is null;
}
