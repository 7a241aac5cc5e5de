using System.Buffers.Binary;
using WanAccel.Appliance.Protocols.Rpc;

namespace WanAccel.Appliance.Protocols.Nfs;

/// <summary>
/// <c>post_op_attr</c> (RFC 1813 §2.6): a bool, then when true a <c>fattr3</c> of 84 bytes. Keeps what tells whether a
/// file changed: size, mtime and ctime (each <c>nfstime3</c> as seconds·2³² + nanoseconds).
/// </summary>
internal readonly record struct PostOpAttributes(bool Present, ulong Size, ulong Mtime, ulong Ctime)
{
    private const int Fattr3Bytes = 84;

    public static bool TryRead(scoped ref XdrReader reader, out PostOpAttributes attributes)
    {
        attributes = default;
        if (!reader.TryReadBool(out var follows))
        {
            return false;
        }

        if (!follows)
        {
            return true;
        }

        // fattr3: type, mode, nlink, uid, gid (4 bytes each), then size @20, used, rdev, fsid, fileid, atime, mtime @68, ctime @76 (8 each).
        if (!reader.TryReadBytes(Fattr3Bytes, out var fattr))
        {
            return false;
        }

        attributes = new PostOpAttributes(true, BinaryPrimitives.ReadUInt64BigEndian(fattr[20..]),
            BinaryPrimitives.ReadUInt64BigEndian(fattr[68..]), BinaryPrimitives.ReadUInt64BigEndian(fattr[76..]));
        return true;
    }

    /// <summary>False when both are present and size, mtime or ctime differ: the file changed between the two.</summary>
    public bool AgreesWith(PostOpAttributes other) =>
        !Present || !other.Present || (Size == other.Size && Mtime == other.Mtime && Ctime == other.Ctime);
}
