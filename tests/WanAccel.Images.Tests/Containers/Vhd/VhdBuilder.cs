using System.Buffers.Binary;
using System.Text;

namespace WanAccel.Images.Tests.Containers.Vhd;

/// <summary>
/// Writes dynamic and differencing VHDs byte by byte (qemu-img cannot create differencing VHDs). Layout: footer
/// copy, dynamic header, BAT, parent locator data, blocks (512-byte MSB-first sector bitmap + data), footer.
/// </summary>
internal sealed class VhdBuilder
{
    public long Size { get; init; } = 8L << 20;

    public uint BlockSize { get; init; } = 2u << 20;

    public Guid UniqueId { get; init; } = Guid.NewGuid();

    /// <summary>Differencing when set: the parent footer's unique id.</summary>
    public Guid? ParentUniqueId { get; init; }

    public string ParentUnicodeName { get; init; } = string.Empty;

    /// <summary>Parent locators: platform code ("W2ru", "W2ku", "MacX") and the path/URL it records.</summary>
    public List<(string Code, string Value)> Locators { get; } = [];

    /// <summary>Allocated blocks: index → (sector bitmap, block data).</summary>
    public SortedDictionary<int, (byte[] Bitmap, byte[] Data)> Blocks { get; } = [];

    /// <summary>Overrides a BAT entry (sector number) after layout, e.g. to point beyond the end.</summary>
    public Dictionary<int, uint> BatOverrides { get; } = [];

    public int BitmapBytes => (int)((((BlockSize / 512) + 7) / 8 + 511) / 512 * 512);

    public static bool GetBit(byte[] bitmap, long sector) => (bitmap[sector / 8] & (0x80 >> (int)(sector % 8))) != 0;

    public static void SetBit(byte[] bitmap, long sector) => bitmap[sector / 8] |= (byte)(0x80 >> (int)(sector % 8));

    public byte[] Build()
    {
        var entries = (int)((Size + BlockSize - 1) / BlockSize);
        const int headerAt = 512;
        const int batAt = 1536;
        var batBytes = (entries * 4 + 511) / 512 * 512;
        var pos = (long)batAt + batBytes;
        var locatorData = new List<(uint Code, byte[] Data, long At)>();
        foreach (var (code, value) in Locators)
        {
            var data = code == "MacX" ? Encoding.UTF8.GetBytes(value) : Encoding.Unicode.GetBytes(value);
            locatorData.Add((BinaryPrimitives.ReadUInt32BigEndian(Encoding.ASCII.GetBytes(code)), data, pos));
            pos += (data.Length + 511) / 512 * 512;
        }

        var bat = new uint[entries];
        Array.Fill(bat, uint.MaxValue);
        var blockAt = new Dictionary<int, long>();
        foreach (var index in Blocks.Keys)
        {
            blockAt[index] = pos;
            bat[index] = (uint)(pos / 512);
            pos += BitmapBytes + BlockSize;
        }

        foreach (var (index, value) in BatOverrides)
        {
            bat[index] = value;
        }

        var file = new byte[pos + 512];
        var footer = Footer();
        footer.CopyTo(file, 0);
        footer.CopyTo(file, pos);
        Header(entries, batAt, locatorData).CopyTo(file, headerAt);
        for (var i = 0; i < entries; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(file.AsSpan(batAt + (i * 4)), bat[i]);
        }

        foreach (var (_, data, at) in locatorData)
        {
            data.CopyTo(file, at);
        }

        foreach (var (index, (bitmap, data)) in Blocks)
        {
            bitmap.CopyTo(file, blockAt[index]);
            data.CopyTo(file, blockAt[index] + BitmapBytes);
        }

        return file;
    }

    private byte[] Footer()
    {
        var f = new byte[512];
        "conectix"u8.CopyTo(f);
        BinaryPrimitives.WriteUInt32BigEndian(f.AsSpan(8), 2);
        BinaryPrimitives.WriteUInt32BigEndian(f.AsSpan(12), 0x00010000);
        BinaryPrimitives.WriteUInt64BigEndian(f.AsSpan(16), 512);
        "test"u8.CopyTo(f.AsSpan(28));
        "Wi2k"u8.CopyTo(f.AsSpan(36));
        BinaryPrimitives.WriteUInt64BigEndian(f.AsSpan(40), (ulong)Size);
        BinaryPrimitives.WriteUInt64BigEndian(f.AsSpan(48), (ulong)Size);
        BinaryPrimitives.WriteUInt32BigEndian(f.AsSpan(56), 0xFFFF10FF);
        BinaryPrimitives.WriteUInt32BigEndian(f.AsSpan(60), ParentUniqueId is null ? 3u : 4u);
        UniqueId.TryWriteBytes(f.AsSpan(68, 16), bigEndian: true, out _);
        BinaryPrimitives.WriteUInt32BigEndian(f.AsSpan(64), Checksum(f));
        return f;
    }

    private byte[] Header(int entries, long batAt, List<(uint Code, byte[] Data, long At)> locators)
    {
        var h = new byte[1024];
        "cxsparse"u8.CopyTo(h);
        BinaryPrimitives.WriteUInt64BigEndian(h.AsSpan(8), ulong.MaxValue);
        BinaryPrimitives.WriteUInt64BigEndian(h.AsSpan(16), (ulong)batAt);
        BinaryPrimitives.WriteUInt32BigEndian(h.AsSpan(24), 0x00010000);
        BinaryPrimitives.WriteUInt32BigEndian(h.AsSpan(28), (uint)entries);
        BinaryPrimitives.WriteUInt32BigEndian(h.AsSpan(32), BlockSize);
        (ParentUniqueId ?? Guid.Empty).TryWriteBytes(h.AsSpan(40, 16), bigEndian: true, out _);
        Encoding.BigEndianUnicode.GetBytes(ParentUnicodeName).CopyTo(h, 64);
        for (var i = 0; i < locators.Count; i++)
        {
            var e = h.AsSpan(576 + (i * 24), 24);
            BinaryPrimitives.WriteUInt32BigEndian(e, locators[i].Code);
            BinaryPrimitives.WriteUInt32BigEndian(e[4..], (uint)((locators[i].Data.Length + 511) / 512 * 512));
            BinaryPrimitives.WriteUInt32BigEndian(e[8..], (uint)locators[i].Data.Length);
            BinaryPrimitives.WriteUInt64BigEndian(e[16..], (ulong)locators[i].At);
        }

        BinaryPrimitives.WriteUInt32BigEndian(h.AsSpan(36), Checksum(h));
        return h;
    }

    private static uint Checksum(byte[] b)
    {
        uint sum = 0;
        foreach (var x in b)
        {
            sum += x;
        }

        return ~sum;
    }
}
