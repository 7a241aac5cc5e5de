using System.Text;
using WanAccel.Core.Wire;

namespace WanAccel.Appliance.Interception;

/// <summary>
/// What the originating appliance asks of the far side when it opens a flow's channel (the channel's OPEN metadata):
/// <c>version (1 byte, = 1) · destination · rule · protocol [· nfsReadAheadBytes]</c>, each text a varint length and
/// UTF-8 text of at most <see cref="MaxFieldBytes"/> bytes. The destination is <c>host:port</c> as the far side should
/// connect to it. The optional last field (a varint, present only when not 0) offers NFS read-ahead with an edge cache
/// of that many bytes.
/// </summary>
internal sealed record FlowOpenRequest(string Destination, string Rule, string Protocol, long NfsReadAheadBytes = 0)
{
    public const byte CurrentVersion = 1;
    public const int MaxFieldBytes = 255;

    public byte[] ToBytes()
    {
        var buffer = new byte[1 + (3 * (VarInt.MaxLength + MaxFieldBytes))];
        buffer[0] = CurrentVersion;
        var n = 1;
        foreach (var field in (ReadOnlySpan<string>)[Destination, Rule, Protocol])
        {
            var length = Encoding.UTF8.GetByteCount(field);
            if (length > MaxFieldBytes)
            {
                throw new ArgumentException($"'{field}' is longer than {MaxFieldBytes} bytes.");
            }

            n += VarInt.Write(buffer.AsSpan(n), (ulong)length);
            n += Encoding.UTF8.GetBytes(field, buffer.AsSpan(n));
        }

        if (NfsReadAheadBytes > 0)
        {
            buffer = [.. buffer[..n], .. new byte[VarInt.MaxLength]];
            n += VarInt.Write(buffer.AsSpan(n), (ulong)NfsReadAheadBytes);
        }

        return buffer[..n];
    }

    /// <summary>Parses hostile metadata; null (with <paramref name="error"/>) when it is not a valid request.</summary>
    public static FlowOpenRequest? TryParse(ReadOnlySpan<byte> metadata, out string? error)
    {
        error = null;
        if (metadata.IsEmpty || metadata[0] != CurrentVersion)
        {
            error = metadata.IsEmpty ? "empty flow request" : $"flow request version {metadata[0]} is not supported";
            return null;
        }

        var fields = new string[3];
        var at = 1;
        for (var i = 0; i < fields.Length; i++)
        {
            var n = VarInt.TryRead(metadata[at..], out var length);
            if (n <= 0 || length > MaxFieldBytes || (ulong)(metadata.Length - at - n) < length)
            {
                error = "flow request is truncated or has an oversized field";
                return null;
            }

            at += n;
            try
            {
                fields[i] = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(metadata.Slice(at, (int)length));
            }
            catch (DecoderFallbackException)
            {
                error = "flow request field is not UTF-8";
                return null;
            }

            at += (int)length;
        }

        ulong readAhead = 0;
        if (at < metadata.Length)
        {
            var n = VarInt.TryRead(metadata[at..], out readAhead);
            if (n <= 0 || readAhead is 0 or > int.MaxValue)
            {
                error = "flow request has a malformed NFS read-ahead field";
                return null;
            }

            at += n;
        }

        if (at != metadata.Length)
        {
            error = "flow request has trailing bytes";
            return null;
        }

        return new FlowOpenRequest(fields[0], fields[1], fields[2], (long)readAhead);
    }
}
