using WanAccel.Appliance.Protocols.Rpc;

namespace WanAccel.Appliance.Protocols.Nfs;

/// <summary><c>diropargs3</c> (RFC 1813 §2.6), the start of LOOKUP3args and CREATE3args: a directory handle and a name.</summary>
internal readonly ref struct DirOpArgs3(ReadOnlySpan<byte> directory, ReadOnlySpan<byte> name)
{
    /// <summary>Longest name followed (Linux NAME_MAX is 255).</summary>
    public const int MaxName = 1024;

    public ReadOnlySpan<byte> Directory { get; } = directory;

    public ReadOnlySpan<byte> Name { get; } = name;

    public static bool TryRead(scoped ref XdrReader reader, out DirOpArgs3 args)
    {
        args = default;
        if (!NfsFileHandle.TryRead(ref reader, out var directory) || !reader.TryReadOpaque(MaxName, out var name))
        {
            return false;
        }

        args = new DirOpArgs3(directory, name);
        return true;
    }
}
