using WanAccel.Images.IO;

namespace WanAccel.Images.Containers.Raw;

/// <summary>Raw images: any file not recognised as another format. Always probes true, so it is registered last.</summary>
internal sealed class RawImageReader : IImageFormatReader
{
    public ImageFormat Format => ImageFormat.Raw;

    public bool Probe(ReadOnlySpan<byte> head, IByteSource file) => true;

    public IVirtualDisk Open(string path, FileByteSource file, ImageOpenContext context) => new RawDisk(file);
}
