namespace WanAccel.Images.Containers.Shared;

/// <summary>Stream formats of compressed clusters and grains.</summary>
internal enum CompressionCodec
{
    /// <summary>Raw deflate (RFC 1951): qcow2 compression type 0.</summary>
    Deflate,

    /// <summary>zlib (RFC 1950, deflate with header and Adler-32): VMDK compressed grains.</summary>
    Zlib,

    /// <summary>Zstandard frame: qcow2 compression type 1.</summary>
    Zstd,
}
