using System.Buffers.Binary;

namespace WanAccel.Images.Containers.Vhd;

/// <summary>One of the eight parent locator entries of a differencing VHD's dynamic header (24 bytes, big-endian).</summary>
internal readonly record struct VhdParentLocator(uint PlatformCode, uint DataLength, ulong DataOffset)
{
    public const int Size = 24;

    /// <summary>"W2ru": relative Windows path, UTF-16LE.</summary>
    public const uint W2ru = 0x57327275;

    /// <summary>"W2ku": absolute Windows path, UTF-16LE.</summary>
    public const uint W2ku = 0x57326B75;

    /// <summary>"MacX": file URL, UTF-8 (Mac OS X).</summary>
    public const uint MacX = 0x4D616358;

    /// <summary>"Mac ": a Mac OS alias record (opaque; not resolvable here).</summary>
    public const uint Mac = 0x4D616320;

    public static VhdParentLocator Parse(ReadOnlySpan<byte> b) => new(
        BinaryPrimitives.ReadUInt32BigEndian(b),
        BinaryPrimitives.ReadUInt32BigEndian(b[8..]),
        BinaryPrimitives.ReadUInt64BigEndian(b[16..]));
}
