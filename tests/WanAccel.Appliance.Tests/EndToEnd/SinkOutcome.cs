using System.Security.Cryptography;

namespace WanAccel.Appliance.Tests.EndToEnd;

/// <summary>How one connection to a <see cref="FramedSink"/> ended, with the count and SHA-256 of the payload bytes that arrived.</summary>
internal sealed record SinkOutcome(SinkEnd End, long Announced, long Received, byte[] ReceivedHash)
{
    /// <summary>True when what arrived is exactly the first <see cref="Received"/> bytes of <paramref name="sent"/>.</summary>
    public bool IsPrefixOf(byte[] sent) => Received <= sent.Length && SHA256.HashData(sent.AsSpan(0, (int)Received)).AsSpan().SequenceEqual(ReceivedHash);

    public override string ToString() => $"{End}: {Received} of {Announced} bytes";
}
