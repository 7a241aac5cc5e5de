using System.Buffers.Binary;
using System.Text;

namespace WanAccel.Images.Containers.Vhdx;

/// <summary>The VHDX parent locator item (MS-VHDX 2.6.2.6): UTF-16LE key/value pairs such as relative_path, parent_linkage.</summary>
internal static class VhdxParentLocator
{
    public static IReadOnlyDictionary<string, string> Parse(string path, ReadOnlySpan<byte> item)
    {
        if (item.Length < 20)
        {
            throw new ImageFormatException(ImageError.Corrupt, $"{path}: VHDX parent locator of {item.Length} bytes");
        }

        if (new Guid(item[..16]) != VhdxGuids.VhdxParentLocatorType)
        {
            throw new ImageFormatException(ImageError.Unsupported, $"{path}: VHDX parent locator type {new Guid(item[..16])}");
        }

        int count = BinaryPrimitives.ReadUInt16LittleEndian(item[18..]);
        if (20 + (count * 12) > item.Length)
        {
            throw new ImageFormatException(ImageError.Corrupt, $"{path}: VHDX parent locator lists {count} entries in {item.Length} bytes");
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var e = item.Slice(20 + (i * 12), 12);
            var key = Text(path, item, BinaryPrimitives.ReadUInt32LittleEndian(e), BinaryPrimitives.ReadUInt16LittleEndian(e[8..]));
            var value = Text(path, item, BinaryPrimitives.ReadUInt32LittleEndian(e[4..]), BinaryPrimitives.ReadUInt16LittleEndian(e[10..]));
            result.TryAdd(key, value);
        }

        return result;
    }

    private static string Text(string path, ReadOnlySpan<byte> item, uint offset, ushort length)
    {
        if (offset > item.Length || length > item.Length - offset)
        {
            throw new ImageFormatException(ImageError.Corrupt, $"{path}: VHDX parent locator string [{offset}, +{length}) outside the item");
        }

        return Encoding.Unicode.GetString(item.Slice((int)offset, length));
    }
}
