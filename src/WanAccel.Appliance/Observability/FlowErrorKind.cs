using WanAccel.Appliance.Hosting;
using WanAccel.Appliance.PeerLink;
using WanAccel.Core.Wire;

namespace WanAccel.Appliance.Observability;

/// <summary>The <c>kind</c> label of <c>wanaccel_errors_total</c>: a small fixed set, so failures can be told apart without per-flow labels.</summary>
internal static class FlowErrorKind
{
    /// <summary>A local client's flow failed before it started: no channel to the peer could be opened.</summary>
    public const string PeerUnavailable = "peer_unavailable";

    /// <summary>A peer's flow failed before it started: its destination refused, timed out or is not allowed.</summary>
    public const string DestinationUnreachable = "destination_unreachable";

    /// <summary>The peer reset the flow's channel.</summary>
    public const string PeerReset = "peer_reset";

    /// <summary>Malformed frames from the peer (wire format or peer-link protocol).</summary>
    public const string Protocol = "protocol";

    /// <summary>A socket on either side failed (reset, closed early, timed out).</summary>
    public const string Io = "io";

    /// <summary>Shutdown reset the flow after the drain timeout.</summary>
    public const string Aborted = "aborted";

    /// <summary>A local connection to a transparent rule that was not redirected there; refused, never a flow.</summary>
    public const string ClientRefused = "client_refused";

    /// <summary>A peer's flow request that was malformed or came during shutdown; refused, never a flow.</summary>
    public const string RequestRefused = "request_refused";

    /// <summary>Anything else: a bug.</summary>
    public const string Internal = "internal";

    /// <summary>Chunk-store records that failed verification on read (not a flow error; counted from the store).</summary>
    public const string StoreCorrupt = "store_corrupt";

    public static IReadOnlyList<string> All { get; } =
        [PeerUnavailable, DestinationUnreachable, PeerReset, Protocol, Io, Aborted, ClientRefused, RequestRefused, Internal, StoreCorrupt];

    /// <summary>Classifies a failed flow by where it failed and by the most specific exception in its error's chain.</summary>
    public static string Of(FlowRecord flow)
    {
        if (flow.Session is null)
        {
            return flow.Origin == FlowOrigin.Local ? PeerUnavailable : DestinationUnreachable;
        }

        for (var e = flow.Error; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PeerChannelResetException:
                    return PeerReset;
                case WireFormatException or PeerLinkProtocolException:
                    return Protocol;
                case OperationCanceledException:
                    return Aborted;
            }
        }

        return flow.Error is IOException or System.Net.Sockets.SocketException ? Io : Internal;
    }
}
