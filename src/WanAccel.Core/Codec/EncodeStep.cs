using WanAccel.Core.Fingerprints;

namespace WanAccel.Core.Codec;

/// <summary>
/// One step of input (~BatchBytes) on its way through the encoder: its chunks, the ops decided for it and the task
/// compressing its literals. Two alternate, so that one step is compressed while the next is hashed and classified.
/// </summary>
internal sealed class EncodeStep
{
    public EncodeStep(int maxChunks)
    {
        ChunkOffsets = new int[maxChunks];
        ChunkLengths = new int[maxChunks];
        ChunkIds = new ChunkId[maxChunks];
    }

    public ReadOnlyMemory<byte> Input { get; set; }

    public int[] ChunkOffsets { get; }

    public int[] ChunkLengths { get; }

    public ChunkId[] ChunkIds { get; }

    public List<EncodeOp> Ops { get; } = [];

    /// <summary>One job per Literals op, in op order.</summary>
    public List<LiteralJob> Jobs { get; } = [];

    /// <summary>Compression of the literal ops, running while the next step is prepared; null when there is none.</summary>
    public Task? Compression { get; set; }
}
