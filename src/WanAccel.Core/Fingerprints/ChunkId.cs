using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace WanAccel.Core.Fingerprints;

/// <summary>
/// The name of a chunk everywhere in WanAccel: the SHA-256 of its bytes (32 bytes).
/// SHA-256 runs on SHA-NI here (~1.8 GB/s per core on 8 KiB chunks) and is collision resistant,
/// which a content-addressed cache shared between sites requires (a 64-bit hash is not).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly struct ChunkId : IEquatable<ChunkId>
{
    /// <summary>Size of a chunk id on the wire and on disk.</summary>
    public const int Size = 32;

    private readonly ulong _a;
    private readonly ulong _b;
    private readonly ulong _c;
    private readonly ulong _d;

    private ChunkId(ulong a, ulong b, ulong c, ulong d)
    {
        _a = a;
        _b = b;
        _c = c;
        _d = d;
    }

    /// <summary>First 8 bytes as a little-endian integer: well distributed, used as an index key.</summary>
    public ulong Prefix => _a;

    /// <summary>Hashes <paramref name="data"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ChunkId Compute(ReadOnlySpan<byte> data)
    {
        Span<byte> hash = stackalloc byte[Size];
        SHA256.HashData(data, hash);
        return Read(hash);
    }

    /// <summary>Reads an id from the first 32 bytes of <paramref name="source"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ChunkId Read(ReadOnlySpan<byte> source) => new(
        BinaryPrimitives.ReadUInt64LittleEndian(source),
        BinaryPrimitives.ReadUInt64LittleEndian(source[8..]),
        BinaryPrimitives.ReadUInt64LittleEndian(source[16..]),
        BinaryPrimitives.ReadUInt64LittleEndian(source[24..]));

    /// <summary>Writes the id into the first 32 bytes of <paramref name="destination"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(destination, _a);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], _b);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[16..], _c);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[24..], _d);
    }

    /// <summary>True when <paramref name="data"/> hashes to this id.</summary>
    public bool Matches(ReadOnlySpan<byte> data) => Compute(data) == this;

    public bool Equals(ChunkId other) => _a == other._a && _b == other._b && _c == other._c && _d == other._d;

    public override bool Equals(object? obj) => obj is ChunkId other && Equals(other);

    public override int GetHashCode() => (int)_a ^ (int)(_a >> 32);

    public static bool operator ==(ChunkId left, ChunkId right) => left.Equals(right);

    public static bool operator !=(ChunkId left, ChunkId right) => !left.Equals(right);

    /// <summary>Lower-case hex of the 32 bytes, as <c>sha256sum</c> prints it.</summary>
    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[Size];
        Write(bytes);
        return Convert.ToHexStringLower(bytes);
    }
}
