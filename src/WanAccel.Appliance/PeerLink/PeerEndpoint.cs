using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace WanAccel.Appliance.PeerLink;

/// <summary>Parses <c>host:port</c>, <c>a.b.c.d:port</c> and <c>[v6]:port</c>.</summary>
internal static class PeerEndpoint
{
    public static bool TryParse(string text, [NotNullWhen(true)] out EndPoint? endPoint, out string? error)
    {
        endPoint = null;
        error = null;
        if (IPEndPoint.TryParse(text, out var ip) && ip.Port != 0 || text.EndsWith(":0", StringComparison.Ordinal) && IPEndPoint.TryParse(text, out ip))
        {
            endPoint = ip;
            return true;
        }

        var colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
        {
            error = "expected host:port.";
            return false;
        }

        if (!int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            error = "port must be 1–65535.";
            return false;
        }

        var host = text[..colon];
        if (Uri.CheckHostName(host) is UriHostNameType.Unknown || host.Contains(':', StringComparison.Ordinal))
        {
            error = $"'{host}' is not a host name or address.";
            return false;
        }

        endPoint = new DnsEndPoint(host, port);
        return true;
    }
}
