using WanAccel.Images.IO;

namespace WanAccel.Images.Containers;

/// <summary>Detects and opens one container format. Registered in <see cref="DiskImage"/>.</summary>
internal interface IImageFormatReader
{
    ImageFormat Format { get; }

    /// <summary>True when <paramref name="file"/> holds this format; <paramref name="head"/> is its first bytes (up to 64 KiB).</summary>
    bool Probe(ReadOnlySpan<byte> head, IByteSource file);

    /// <summary>Opens the image; takes ownership of <paramref name="file"/>. Parents/backing files are opened through <paramref name="context"/>.</summary>
    IVirtualDisk Open(string path, FileByteSource file, ImageOpenContext context);
}
