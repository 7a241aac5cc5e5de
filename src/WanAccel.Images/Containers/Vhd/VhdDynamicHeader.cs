using System.Buffers.Binary;
using System.Text;

namespace WanAccel.Images.Containers.Vhd;

/// <summary>The 1024-byte dynamic disk header (cookie "cxsparse") of dynamic and differencing VHDs; big-endian.</summary>
internal sealed record VhdDynamicHeader(
    ulong TableOffset,
    uint MaxTableEntries,
    uint BlockSize,
    Guid ParentUniqueId,
    string ParentUnicodeName,
    IReadOnlyList<VhdParentLocator> Locators)
{
    public const int Size = 1024;
    public const int LocatorCount = 8;

    public static ReadOnlySpan<byte> Cookie => "cxsparse"u8;

    public static VhdDynamicHeader Parse(ReadOnlySpan<byte> b, string path)
    {
        if (!b[..8].SequenceEqual(Cookie))
        {
            throw new ImageFormatException(ImageError.Corrupt, $"{path}: VHD dynamic header cookie is not 'cxsparse'");
        }

        if (VhdFooter.Checksum(b[..Size], 36) != BinaryPrimitives.ReadUInt32BigEndian(b[36..]))
        {
            throw new ImageFormatException(ImageError.Corrupt, $"{path}: VHD dynamic header checksum mismatch");
        }

        var version = BinaryPrimitives.ReadUInt32BigEndian(b[24..]);
        if (version != 0x00010000)
        {
            throw new ImageFormatException(ImageError.Unsupported, $"{path}: VHD dynamic header version 0x{version:x8}");
        }

        // Parent Unicode Name: 512 bytes of UTF-16BE, NUL-padded.
        var name = Encoding.BigEndianUnicode.GetString(b.Slice(64, 512)).TrimEnd('\0');
        var nul = name.IndexOf('\0', StringComparison.Ordinal);
        if (nul >= 0)
        {
            name = name[..nul];
        }

        var locators = new VhdParentLocator[LocatorCount];
        for (var i = 0; i < LocatorCount; i++)
        {
            locators[i] = VhdParentLocator.Parse(b.Slice(576 + (i * VhdParentLocator.Size), VhdParentLocator.Size));
        }

        return new VhdDynamicHeader(
            BinaryPrimitives.ReadUInt64BigEndian(b[16..]),
            BinaryPrimitives.ReadUInt32BigEndian(b[28..]),
            BinaryPrimitives.ReadUInt32BigEndian(b[32..]),
            new Guid(b.Slice(40, 16), bigEndian: true),
            name,
            locators);
    }
}
