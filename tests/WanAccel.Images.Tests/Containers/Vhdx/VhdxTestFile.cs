using System.Buffers.Binary;
using System.Text;
using WanAccel.Images.Containers.Vhdx;

namespace WanAccel.Images.Tests.Containers.Vhdx;

/// <summary>
/// Edits a qemu-made VHDX in memory for tests that qemu cannot produce (differencing, dirty log): locates the
/// current header, regions, metadata and BAT, and re-seals the CRC-32C fields it changes.
/// </summary>
internal sealed class VhdxTestFile
{
    private static readonly Guid BatRegion = new("2DC27766-F623-4200-9D64-115E9BFD4A08");
    private static readonly Guid MetadataRegion = new("8B7CA206-4790-4B9A-B8FE-575F050F886E");
    private static readonly Guid FileParameters = new("CAA16737-FA36-4D43-B3B6-33F0AA44E76B");

    public VhdxTestFile(byte[] bytes)
    {
        Bytes = bytes;
        var h1 = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan((64 * 1024) + 8));
        var h2 = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan((128 * 1024) + 8));
        HeaderOffset = h2 > h1 ? 128 * 1024 : 64 * 1024;
        var regions = bytes.AsSpan(192 * 1024);
        var count = BinaryPrimitives.ReadInt32LittleEndian(regions[8..]);
        for (var i = 0; i < count; i++)
        {
            var e = regions.Slice(16 + (i * 32), 32);
            var id = new Guid(e[..16]);
            var offset = (int)BinaryPrimitives.ReadUInt64LittleEndian(e[16..]);
            if (id == BatRegion)
            {
                BatOffset = offset;
            }
            else if (id == MetadataRegion)
            {
                MetadataOffset = offset;
            }
        }

        var meta = bytes.AsSpan(MetadataOffset);
        for (var i = 0; i < BinaryPrimitives.ReadUInt16LittleEndian(meta[10..]); i++)
        {
            var e = meta.Slice(32 + (i * 32), 32);
            var end = BinaryPrimitives.ReadInt32LittleEndian(e[16..]) + BinaryPrimitives.ReadInt32LittleEndian(e[20..]);
            MetadataFreeOffset = Math.Max(MetadataFreeOffset, (end + 7) / 8 * 8);
            if (new Guid(e[..16]) == FileParameters)
            {
                FileParametersOffset = MetadataOffset + BinaryPrimitives.ReadInt32LittleEndian(e[16..]);
            }
        }
    }

    public byte[] Bytes { get; private set; }

    public int HeaderOffset { get; }

    public int BatOffset { get; }

    public int MetadataOffset { get; }

    public int FileParametersOffset { get; }

    public uint BlockSize => BinaryPrimitives.ReadUInt32LittleEndian(Bytes.AsSpan(FileParametersOffset));

    public Guid DataWriteGuid => new(Bytes.AsSpan(HeaderOffset + 32, 16));

    private int MetadataFreeOffset { get; set; } = 64 * 1024;

    public ulong Bat(long index) => BinaryPrimitives.ReadUInt64LittleEndian(Bytes.AsSpan(BatOffset + (int)(index * 8)));

    public void SetBat(long index, ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Bytes.AsSpan(BatOffset + (int)(index * 8)), value);

    /// <summary>Appends <paramref name="data"/> at the (1 MiB aligned) end of the file; returns its offset.</summary>
    public long Append(byte[] data)
    {
        var at = (Bytes.Length + (1 << 20) - 1) / (1 << 20) * (1 << 20);
        var grown = new byte[at + data.Length];
        Bytes.CopyTo(grown, 0);
        data.CopyTo(grown, at);
        Bytes = grown;
        return at;
    }

    /// <summary>Turns the image into a differencing one: sets HasParent and adds a parent locator item.</summary>
    public void MakeDifferencing(IEnumerable<(string Key, string Value)> entries)
    {
        var flags = BinaryPrimitives.ReadUInt32LittleEndian(Bytes.AsSpan(FileParametersOffset + 4));
        BinaryPrimitives.WriteUInt32LittleEndian(Bytes.AsSpan(FileParametersOffset + 4), flags | 2);

        var list = entries.ToList();
        var item = new List<byte>();
        item.AddRange(new Guid("B04AEFB7-D19E-4A81-B789-25B8E9445913").ToByteArray());
        item.AddRange(new byte[2]);
        item.AddRange(BitConverter.GetBytes((ushort)list.Count));
        var strings = new List<byte>();
        var stringsAt = 20 + (12 * list.Count);
        foreach (var (key, value) in list)
        {
            var k = Encoding.Unicode.GetBytes(key);
            var v = Encoding.Unicode.GetBytes(value);
            item.AddRange(BitConverter.GetBytes((uint)(stringsAt + strings.Count)));
            item.AddRange(BitConverter.GetBytes((uint)(stringsAt + strings.Count + k.Length)));
            item.AddRange(BitConverter.GetBytes((ushort)k.Length));
            item.AddRange(BitConverter.GetBytes((ushort)v.Length));
            strings.AddRange(k);
            strings.AddRange(v);
        }

        item.AddRange(strings);
        var meta = Bytes.AsSpan(MetadataOffset);
        var count = BinaryPrimitives.ReadUInt16LittleEndian(meta[10..]);
        var entry = meta.Slice(32 + (count * 32), 32);
        new Guid("A8D35F2D-B30B-454D-ABF7-D3D84834AB0C").TryWriteBytes(entry);
        BinaryPrimitives.WriteInt32LittleEndian(entry[16..], MetadataFreeOffset);
        BinaryPrimitives.WriteInt32LittleEndian(entry[20..], item.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(entry[24..], 2 | 4);
        item.ToArray().CopyTo(Bytes, MetadataOffset + MetadataFreeOffset);
        BinaryPrimitives.WriteUInt16LittleEndian(meta[10..], (ushort)(count + 1));
    }

    /// <summary>Marks the log dirty with <paramref name="logGuid"/> in the current header and re-seals its CRC.</summary>
    public void SetLogGuid(Guid logGuid)
    {
        logGuid.TryWriteBytes(Bytes.AsSpan(HeaderOffset + 48, 16));
        SealHeader(HeaderOffset);
    }

    public (ulong LogOffset, uint LogLength) Log
        => (BinaryPrimitives.ReadUInt64LittleEndian(Bytes.AsSpan(HeaderOffset + 72)), BinaryPrimitives.ReadUInt32LittleEndian(Bytes.AsSpan(HeaderOffset + 68)));

    public void SealHeader(int offset)
    {
        var h = Bytes.AsSpan(offset, 4096);
        BinaryPrimitives.WriteUInt32LittleEndian(h[4..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(h[4..], Crc32C.Compute(h, 4));
    }
}
