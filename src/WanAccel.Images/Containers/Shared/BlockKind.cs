namespace WanAccel.Images.Containers.Shared;

/// <summary>What one block of a <see cref="BlockMappedDisk"/> holds in its own layer.</summary>
internal enum BlockKind : byte
{
    /// <summary>Not stored here: reads from the parent, or zeros without one.</summary>
    Inherit,

    /// <summary>Known to read as zeros; the parent is not consulted.</summary>
    Zero,

    /// <summary>The whole block is stored contiguously at <see cref="BlockEntry.FileOffset"/>.</summary>
    Present,

    /// <summary>Stored at <see cref="BlockEntry.FileOffset"/>, but a per-sector bitmap says which sectors are (set) or inherit (clear).</summary>
    Partial,
}
