namespace WanAccel.Core.Wire;

/// <summary>Frames from decoder back to encoder, framed like <see cref="FrameType"/> frames.</summary>
public enum FeedbackType : byte
{
    /// <summary>Output delivered up to this offset (varint): the encoder may release retained input before it.</summary>
    Ack = 0x41,

    /// <summary>A referenced chunk or manifest is missing: offset · length (varints) · id (32). The encoder resends the range.</summary>
    Miss = 0x42,
}
