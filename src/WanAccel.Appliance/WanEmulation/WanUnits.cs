using System.Globalization;
using System.Net;

namespace WanAccel.Appliance.WanEmulation;

/// <summary>
/// Total parsers for the emulator's textual settings. Rates are in bits per second with SI prefixes
/// (<c>10mbit</c> = <c>10mbps</c> = 10,000,000 bit/s); sizes use binary prefixes (<c>64k</c> = 65,536 bytes);
/// durations need a unit (<c>us</c>, <c>ms</c>, <c>s</c>). Every input gives a value or an error message.
/// </summary>
public static class WanUnits
{
    private static readonly (string Suffix, double Factor)[] RateSuffixes =
    [
        ("kbit", 1e3), ("kbps", 1e3), ("mbit", 1e6), ("mbps", 1e6), ("gbit", 1e9), ("gbps", 1e9),
        ("bit", 1), ("bps", 1),
    ];

    private static readonly (string Suffix, long Factor)[] SizeSuffixes =
    [
        ("kib", 1L << 10), ("mib", 1L << 20), ("gib", 1L << 30),
        ("kb", 1L << 10), ("mb", 1L << 20), ("gb", 1L << 30),
        ("k", 1L << 10), ("m", 1L << 20), ("g", 1L << 30), ("b", 1),
    ];

    private static readonly (string Suffix, double Seconds)[] DurationSuffixes =
    [
        ("ms", 1e-3), ("us", 1e-6), ("s", 1),
    ];

    /// <summary>Parses a link rate into bits per second; <c>0</c> or <c>unlimited</c> gives 0 (no limit).</summary>
    public static bool TryParseRate(string? text, out long bitsPerSecond, out string? error)
    {
        bitsPerSecond = 0;
        var t = text?.Trim().ToLowerInvariant() ?? string.Empty;
        if (t is "unlimited" or "none" or "0")
        {
            error = null;
            return true;
        }

        foreach (var (suffix, factor) in RateSuffixes)
        {
            if (t.EndsWith(suffix, StringComparison.Ordinal) && TryNumber(t[..^suffix.Length], out var value))
            {
                var bits = value * factor;
                if (bits is >= 1 and <= 1e12)
                {
                    bitsPerSecond = (long)Math.Round(bits);
                    error = null;
                    return true;
                }

                break;
            }
        }

        error = $"'{text}' is not a rate: expected a number with a bit-rate unit (bit, kbit, mbit, gbit; kbps, mbps, gbps are the same, in bits) between 1 bit/s and 1 Tbit/s, or 'unlimited'";
        return false;
    }

    /// <summary>Parses a duration such as <c>140ms</c>, <c>0.2s</c> or <c>500us</c>.</summary>
    public static bool TryParseDuration(string? text, out TimeSpan duration, out string? error)
    {
        duration = TimeSpan.Zero;
        var t = text?.Trim().ToLowerInvariant() ?? string.Empty;
        if (t == "0")
        {
            error = null;
            return true;
        }

        foreach (var (suffix, seconds) in DurationSuffixes)
        {
            if (t.EndsWith(suffix, StringComparison.Ordinal) && TryNumber(t[..^suffix.Length], out var value))
            {
                var s = value * seconds;
                if (s is >= 0 and <= 3600)
                {
                    duration = TimeSpan.FromTicks((long)Math.Round(s * TimeSpan.TicksPerSecond));
                    error = null;
                    return true;
                }

                break;
            }
        }

        error = $"'{text}' is not a duration: expected a number with a unit (us, ms, s) between 0 and 1 hour, e.g. 140ms or 0.2s";
        return false;
    }

    /// <summary>Parses a byte size such as <c>64k</c> (KiB), <c>1m</c> (MiB) or plain bytes.</summary>
    public static bool TryParseSize(string? text, out long bytes, out string? error)
    {
        bytes = 0;
        var t = text?.Trim().ToLowerInvariant() ?? string.Empty;
        long factor = 1;
        var number = t;
        foreach (var (suffix, f) in SizeSuffixes)
        {
            if (t.EndsWith(suffix, StringComparison.Ordinal))
            {
                factor = f;
                number = t[..^suffix.Length];
                break;
            }
        }

        if (TryNumber(number, out var value) && value * factor is >= 0 and <= (double)(1L << 40))
        {
            bytes = (long)Math.Round(value * factor);
            error = null;
            return true;
        }

        error = $"'{text}' is not a size: expected bytes or a number with k, m or g (KiB, MiB, GiB), at most 1 TiB";
        return false;
    }

    /// <summary>Parses a probability given as a fraction (<c>0.01</c>) or a percentage (<c>1%</c>).</summary>
    public static bool TryParseProbability(string? text, out double probability, out string? error)
    {
        probability = 0;
        var t = text?.Trim() ?? string.Empty;
        var percent = t.EndsWith('%');
        if (TryNumber(percent ? t[..^1] : t, out var value))
        {
            value = percent ? value / 100 : value;
            if (value is >= 0 and <= 1)
            {
                probability = value;
                error = null;
                return true;
            }
        }

        error = $"'{text}' is not a probability: expected a probability between 0 and 1 (e.g. 0.01) or a percentage (e.g. 1%)";
        return false;
    }

    /// <summary>
    /// Parses <c>host:port</c>, <c>[v6]:port</c> or a bare port (meaning 127.0.0.1). Host names give a
    /// <see cref="DnsEndPoint"/>, resolved when connecting.
    /// </summary>
    public static bool TryParseEndPoint(string? text, out EndPoint? endPoint, out string? error)
    {
        endPoint = null;
        var t = text?.Trim() ?? string.Empty;
        if (int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var bare) && bare <= IPEndPoint.MaxPort)
        {
            endPoint = new IPEndPoint(IPAddress.Loopback, bare);
        }
        else if (IPEndPoint.TryParse(t, out var ip) && t.Contains(':', StringComparison.Ordinal) && !(ip.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && !t.StartsWith('[')))
        {
            endPoint = ip;
        }
        else
        {
            var colon = t.LastIndexOf(':');
            if (colon > 0 && !t[..colon].Contains(':', StringComparison.Ordinal)
                && int.TryParse(t[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= IPEndPoint.MaxPort
                && Uri.CheckHostName(t[..colon]) == UriHostNameType.Dns)
            {
                endPoint = new DnsEndPoint(t[..colon], port);
            }
        }

        error = endPoint is null ? $"'{text}' is not an endpoint: expected host:port, [IPv6]:port or a port number" : null;
        return endPoint is not null;
    }

    /// <summary>Formats bits per second with an SI unit, e.g. <c>9.98 Mbit/s</c>.</summary>
    public static string FormatRate(double bitsPerSecond) => bitsPerSecond switch
    {
        <= 0 => "unlimited",
        >= 1e9 => string.Create(CultureInfo.InvariantCulture, $"{bitsPerSecond / 1e9:0.###} Gbit/s"),
        >= 1e6 => string.Create(CultureInfo.InvariantCulture, $"{bitsPerSecond / 1e6:0.###} Mbit/s"),
        >= 1e3 => string.Create(CultureInfo.InvariantCulture, $"{bitsPerSecond / 1e3:0.###} kbit/s"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bitsPerSecond:0.###} bit/s"),
    };

    private static bool TryNumber(string text, out double value) =>
        double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
}
