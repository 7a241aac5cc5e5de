namespace WanAccel.Core.Wire;

/// <summary>Reads the <c>type · body length</c> prefix every frame (and feedback frame) starts with.</summary>
public static class FrameHeader
{
    /// <summary>
    /// Parses a frame prefix. Returns false when <paramref name="source"/> is too short to hold it;
    /// throws <see cref="WireFormatException"/> when the body length exceeds <see cref="WireLimits.MaxFrameBody"/>.
    /// On success the whole frame is <paramref name="headerLength"/> + <paramref name="bodyLength"/> bytes.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out byte type, out int headerLength, out int bodyLength)
    {
        type = 0;
        headerLength = 0;
        bodyLength = 0;
        if (source.IsEmpty)
        {
            return false;
        }

        type = source[0];
        var n = VarInt.TryRead(source[1..], out var length);
        if (n == 0)
        {
            return false;
        }

        if (length > WireLimits.MaxFrameBody)
        {
            throw new WireFormatException(WireError.LimitExceeded, $"frame of type 0x{type:x2} announces a {length}-byte body (limit {WireLimits.MaxFrameBody})");
        }

        headerLength = 1 + n;
        bodyLength = (int)length;
        return true;
    }
}
