using System.Buffers.Binary;
using WanAccel.Images.IO;

namespace WanAccel.Images.Containers.Vdi;

/// <summary>Detects VirtualBox VDI by the signature 0xbeda107f at offset 64.</summary>
internal sealed class VdiImageReader : IImageFormatReader
{
    public ImageFormat Format => ImageFormat.Vdi;

    public bool Probe(ReadOnlySpan<byte> head, IByteSource file) => VdiHeader.Probe(head);

    public IVirtualDisk Open(string path, FileByteSource file, ImageOpenContext context)
    {
        var header = VdiHeader.Read(file, path);
        var raw = new byte[header.Blocks * 4L];
        file.ReadExactlyAt(header.BlockMapOffset, raw, "vdi block map");
        var map = new uint[header.Blocks];
        for (var i = 0; i < map.Length; i++)
        {
            map[i] = BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(i * 4));
        }

        return new VdiDisk(file, header, map);
    }
}
