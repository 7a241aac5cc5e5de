using System.Globalization;
using System.Text;

namespace WanAccel.Appliance.Protocols.Http;

/// <summary>What a message head says about its body and its file.</summary>
internal readonly record struct HttpHeaders(string? Host, long ContentLength, bool Chunked, bool Upgrade, long RangeStart);

/// <summary>Parses HTTP/1.x request and response heads (start line and the few fields that frame the body); strict, allocation-light.</summary>
internal static class HttpHead
{
    public static bool TryParseRequest(ReadOnlySpan<byte> head, out string method, out string target, out HttpHeaders headers)
    {
        method = target = "";
        headers = default;
        var end = head.IndexOf((byte)'\n');
        var line = head[..end].TrimEnd((byte)'\r');
        var first = line.IndexOf((byte)' ');
        var last = line.LastIndexOf((byte)' ');
        if (first <= 0 || last <= first + 1 || !line[(last + 1)..].StartsWith("HTTP/1."u8) || line.Length - last != 9)
        {
            return false;
        }

        method = Encoding.ASCII.GetString(line[..first]);
        target = Encoding.UTF8.GetString(line[(first + 1)..last]);
        return TryParseFields(head[(end + 1)..], out headers);
    }

    public static bool TryParseResponse(ReadOnlySpan<byte> head, out int status, out HttpHeaders headers)
    {
        status = 0;
        headers = default;
        var end = head.IndexOf((byte)'\n');
        var line = head[..end].TrimEnd((byte)'\r');
        if (line.Length < 12 || !line.StartsWith("HTTP/1."u8) || line[8] != ' '
            || !int.TryParse(line.Slice(9, 3), NumberStyles.None, CultureInfo.InvariantCulture, out status) || (line.Length > 12 && line[12] != ' '))
        {
            return false;
        }

        return TryParseFields(head[(end + 1)..], out headers);
    }

    private static bool TryParseFields(ReadOnlySpan<byte> fields, out HttpHeaders headers)
    {
        string? host = null;
        long length = -1;
        bool chunked = false, upgrade = false;
        long rangeStart = 0;
        headers = default;
        while (!fields.IsEmpty)
        {
            var end = fields.IndexOf((byte)'\n');
            var line = (end < 0 ? fields : fields[..end]).TrimEnd((byte)'\r');
            fields = end < 0 ? default : fields[(end + 1)..];
            if (line.IsEmpty)
            {
                continue;
            }

            var colon = line.IndexOf((byte)':');
            if (colon <= 0 || line[0] is (byte)' ' or (byte)'\t')
            {
                return false; // obsolete line folding or no field name
            }

            var name = line[..colon];
            var value = line[(colon + 1)..].Trim(" \t"u8);
            if (name.EqualsIgnoreCase("content-length"u8))
            {
                if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || (length >= 0 && parsed != length))
                {
                    return false;
                }

                length = parsed;
            }
            else if (name.EqualsIgnoreCase("transfer-encoding"u8))
            {
                var codings = Encoding.ASCII.GetString(value);
                chunked = codings.Split(',')[^1].Trim().Equals("chunked", StringComparison.OrdinalIgnoreCase);
                if (!chunked)
                {
                    return false; // a coding we cannot delimit
                }
            }
            else if (name.EqualsIgnoreCase("upgrade"u8))
            {
                upgrade = true;
            }
            else if (name.EqualsIgnoreCase("host"u8))
            {
                host = Encoding.UTF8.GetString(value);
            }
            else if (name.EqualsIgnoreCase("content-range"u8) && value.StartsWith("bytes "u8))
            {
                var range = value[6..];
                var dash = range.IndexOf((byte)'-');
                if (dash <= 0 || !long.TryParse(range[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out rangeStart))
                {
                    return false;
                }
            }
        }

        headers = new HttpHeaders(host, chunked ? -1 : length, chunked, upgrade, rangeStart);
        return true;
    }

    private static bool EqualsIgnoreCase(this ReadOnlySpan<byte> span, ReadOnlySpan<byte> lower) =>
        System.Text.Ascii.EqualsIgnoreCase(span, lower);
}
