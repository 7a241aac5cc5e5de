using WanAccel.Appliance.Protocols.Rpc;

namespace WanAccel.Appliance.Protocols.Nfs;

/// <summary><c>READ3args</c> (RFC 1813 §3.3.6): <c>file</c>, <c>offset</c>, <c>count</c>.</summary>
internal readonly ref struct Read3Args(ReadOnlySpan<byte> file, ulong offset, uint count)
{
    public ReadOnlySpan<byte> File { get; } = file;

    public ulong Offset { get; } = offset;

    public uint Count { get; } = count;

    public static bool TryRead(scoped ref XdrReader reader, out Read3Args args)
    {
        args = default;
        if (!NfsFileHandle.TryRead(ref reader, out var file) || !reader.TryReadUInt64(out var offset) || !reader.TryReadUInt32(out var count))
        {
            return false;
        }

        args = new Read3Args(file, offset, count);
        return true;
    }
}
