namespace WanAccel.Appliance.WanEmulation;

/// <summary>Something a link's scheduler does at a due time: deliver a segment (or FIN) to a pump, or return window credit (an ACK).</summary>
internal readonly record struct WanLinkEvent(WanPump Pump, WanSegment Segment, int AckBytes)
{
    public bool IsAck => AckBytes > 0;
}
