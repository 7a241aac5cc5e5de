using WanAccel.Core.Fingerprints;

namespace WanAccel.Core.Codec;

/// <summary>What a decoder tells its encoder; in the appliance these become feedback frames on the peer link.</summary>
public interface IDecoderFeedback
{
    /// <summary>Output [<paramref name="offset"/>, offset + <paramref name="length"/>) could not be built: <paramref name="id"/> is missing.</summary>
    void OnMiss(long offset, long length, in ChunkId id);

    /// <summary>Output before <paramref name="offset"/> is delivered.</summary>
    void OnAck(long offset);
}
