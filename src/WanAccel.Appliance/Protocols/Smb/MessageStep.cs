namespace WanAccel.Appliance.Protocols.Smb;

/// <summary>What to do after looking at the first bytes of a message.</summary>
internal enum MessageStepKind
{
    /// <summary>Assemble <see cref="MessageStep.Bytes"/> bytes of the message, then look again.</summary>
    More,

    /// <summary>The message is understood and its events reported; it is <see cref="MessageStep.Bytes"/> long (the rest is skipped).</summary>
    Done,

    /// <summary>Give up on the connection (<see cref="MessageStep.Reason"/>).</summary>
    Stop,

    /// <summary>An SMB3 transform header: from here on the connection is encrypted.</summary>
    Encrypted,
}

/// <summary>The outcome of looking at a message's prefix (Kestrel-style: ask for more, or consume).</summary>
internal readonly record struct MessageStep(MessageStepKind Kind, int Bytes, string? Reason)
{
    public static MessageStep Encrypted { get; } = new(MessageStepKind.Encrypted, 0, null);

    public static MessageStep More(int bytes) => new(MessageStepKind.More, bytes, null);

    public static MessageStep Done(int length) => new(MessageStepKind.Done, length, null);

    public static MessageStep Stop(string reason) => new(MessageStepKind.Stop, 0, reason);
}
