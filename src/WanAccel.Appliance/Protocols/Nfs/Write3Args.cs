using WanAccel.Appliance.Protocols.Rpc;

namespace WanAccel.Appliance.Protocols.Nfs;

/// <summary>
/// <c>WRITE3args</c> (RFC 1813 §3.3.7) up to its data: <c>file</c>, <c>offset</c>, <c>count</c>, <c>stable</c>, and
/// the length of <c>data</c>, whose bytes follow at the reader's position.
/// </summary>
internal readonly ref struct Write3Args(ReadOnlySpan<byte> file, ulong offset, int dataLength)
{
    public ReadOnlySpan<byte> File { get; } = file;

    public ulong Offset { get; } = offset;

    public int DataLength { get; } = dataLength;

    public static bool TryRead(scoped ref XdrReader reader, out Write3Args args)
    {
        args = default;
        if (!NfsFileHandle.TryRead(ref reader, out var file) || !reader.TryReadUInt64(out var offset)
            || !reader.TryReadUInt32(out _) || !reader.TryReadUInt32(out _) || !reader.TryReadLength(Read3Res.MaxData, out var length))
        {
            return false;
        }

        args = new Write3Args(file, offset, length);
        return true;
    }
}
