namespace WanAccel.Appliance.Identity;

/// <summary>An identity directory is missing, unreadable, unsafe or inconsistent; the message says which file and why.</summary>
public sealed class PeerIdentityException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PeerIdentityException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <summary>Creates the exception.</summary>
    public PeerIdentityException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public PeerIdentityException(string message)
        : base(message)
    {
    }
}
