using WanAccel.Core.Fingerprints;
using WanAccel.Core.Knowledge;

namespace WanAccel.Core.Codec;

/// <summary>One frame an encoder step decided to write; literal payloads are compressed before the ops are written in order.</summary>
internal struct EncodeOp
{
    public OpKind Kind;

    /// <summary>Zero: run length; Ref: chunk length; Literals: raw bytes; ManifestRef: manifest data length.</summary>
    public long Length;

    /// <summary>Literals: first input byte, relative to the step's input.</summary>
    public int InputStart;

    /// <summary>Literals: first chunk index in the step's chunk arrays.</summary>
    public int FirstChunk;

    /// <summary>Literals: chunk count; ManifestDef: chunk count of the manifest.</summary>
    public int ChunkCount;

    /// <summary>Ref, ManifestDef: the id.</summary>
    public ChunkId Id;

    /// <summary>ManifestRef: the manifest.</summary>
    public Manifest? Manifest;
}

internal enum OpKind : byte
{
    Zero,
    Ref,
    Literals,
    ManifestRef,
    ManifestDef,
}
