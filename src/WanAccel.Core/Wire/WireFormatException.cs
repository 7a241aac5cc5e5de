namespace WanAccel.Core.Wire;

/// <summary>The one typed error a decoder raises for a malformed, truncated or tampered frame stream.</summary>
public sealed class WireFormatException : Exception
{
    public WireFormatException(WireError error, string message)
        : base(message) => Error = error;

    public WireError Error { get; }
}
