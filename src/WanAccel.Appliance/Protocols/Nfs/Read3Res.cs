using WanAccel.Appliance.Protocols.Rpc;

namespace WanAccel.Appliance.Protocols.Nfs;

/// <summary>
/// <c>READ3res</c> (RFC 1813 §3.3.6) up to its data: <c>status</c>, <c>file_attributes</c>, and when NFS3_OK
/// <c>count</c>, <c>eof</c> and the length of <c>data</c>, whose bytes follow at the reader's position.
/// </summary>
internal readonly record struct Read3Res(uint Status, PostOpAttributes Attributes, uint Count, bool Eof, int DataLength)
{
    /// <summary>The largest READ payload followed (RFC 1813 sets no bound; servers offer 1 MiB, a few 4 MiB).</summary>
    public const int MaxData = 16 << 20;

    public static bool TryRead(scoped ref XdrReader reader, out Read3Res result)
    {
        result = default;
        if (!reader.TryReadUInt32(out var status) || !PostOpAttributes.TryRead(ref reader, out var attributes))
        {
            return false;
        }

        if (status != NfsProgram.Ok)
        {
            result = new Read3Res(status, attributes, 0, false, 0);
            return true;
        }

        if (!reader.TryReadUInt32(out var count) || !reader.TryReadBool(out var eof) || !reader.TryReadLength(MaxData, out var length))
        {
            return false;
        }

        result = new Read3Res(status, attributes, count, eof, length);
        return true;
    }
}
