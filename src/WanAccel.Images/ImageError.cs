namespace WanAccel.Images;

/// <summary>Why an image, partition table or file system could not be read.</summary>
public enum ImageError
{
    /// <summary>A structure lies beyond the end of the file.</summary>
    Truncated,

    /// <summary>A checksum, signature or internal consistency check failed.</summary>
    Corrupt,

    /// <summary>A valid but unsupported feature or version.</summary>
    Unsupported,

    /// <summary>A size or count beyond what any sane image has (guards against unbounded allocation).</summary>
    LimitExceeded,

    /// <summary>A cycle in a chain of parents/backing files or in linked metadata.</summary>
    Loop,

    /// <summary>A file the image refers to (parent, backing file, extent) is missing.</summary>
    MissingFile,
}
