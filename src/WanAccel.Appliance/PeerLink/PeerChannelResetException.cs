namespace WanAccel.Appliance.PeerLink;

/// <summary>
/// A channel ended abnormally: reset by either side or its connection was lost. Reading or writing a channel
/// throws this instead of returning a clean end of stream, so a flow is never silently truncated.
/// </summary>
public sealed class PeerChannelResetException : IOException
{
    /// <summary>Creates the exception.</summary>
    public PeerChannelResetException(PeerResetCode code, string? message, bool byRemote, Exception? inner = null)
        : base(Format(code, message, byRemote), inner)
    {
        Code = code;
        ByRemote = byRemote;
    }

    /// <summary>Creates the exception.</summary>
    public PeerChannelResetException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public PeerChannelResetException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public PeerChannelResetException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Why the channel ended.</summary>
    public PeerResetCode Code { get; }

    /// <summary>True when the peer sent the RESET; false for a local reset or a lost connection.</summary>
    public bool ByRemote { get; }

    private static string Format(PeerResetCode code, string? message, bool byRemote) =>
        $"Peer channel {(code == PeerResetCode.ConnectionLost ? "aborted" : byRemote ? "reset by peer" : "reset")} ({code})"
        + (string.IsNullOrEmpty(message) ? "." : $": {message}");
}
