namespace WanAccel.Appliance.Hosting;

/// <summary>Why a connection or a request never became a flow.</summary>
public enum FlowRefusal
{
    /// <summary>A local connection reached a transparent rule without being redirected there (no original destination).</summary>
    NotRedirected,

    /// <summary>A peer's flow request was malformed, or came while this appliance was shutting down.</summary>
    BadRequest,
}
