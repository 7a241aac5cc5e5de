using System.IO.Hashing;
using WanAccel.Appliance.Protocols.Rpc;

namespace WanAccel.Appliance.Protocols.Nfs;

/// <summary><c>nfs_fh3</c> (RFC 1813 §2.5): an opaque of at most 64 bytes, named here by its 128-bit xxHash.</summary>
internal static class NfsFileHandle
{
    public const int MaxBytes = 64;

    public static bool TryRead(scoped ref XdrReader reader, out ReadOnlySpan<byte> handle) => reader.TryReadOpaque(MaxBytes, out handle);

    /// <summary>The parser's key of a handle: stable for equal handles, 128 bits so collisions do not matter.</summary>
    public static UInt128 Key(ReadOnlySpan<byte> handle) => XxHash128.HashToUInt128(handle);
}
