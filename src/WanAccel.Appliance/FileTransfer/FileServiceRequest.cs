namespace WanAccel.Appliance.FileTransfer;

/// <summary>
/// The OPEN metadata of a channel that asks the far side for its file service instead of a TCP destination:
/// <c>kind (1 byte, = 0x46 'F') · version (1 byte, = 1)</c>. A <see cref="Interception.FlowOpenRequest"/> starts with its
/// version byte 1, so the first byte tells the two apart. What follows on the channel is the file-transfer protocol
/// (docs/file-transfer.md), carried through the engine like any flow.
/// </summary>
internal static class FileServiceRequest
{
    public const byte Kind = 0x46;
    public const byte CurrentVersion = 1;

    public static byte[] ToBytes() => [Kind, CurrentVersion];

    public static bool IsFileService(ReadOnlySpan<byte> metadata) => !metadata.IsEmpty && metadata[0] == Kind;

    /// <summary>Checks hostile metadata that <see cref="IsFileService"/> accepted; null when valid, else why not.</summary>
    public static string? Validate(ReadOnlySpan<byte> metadata) =>
        metadata.Length != 2 ? "file service request of a wrong length"
        : metadata[1] != CurrentVersion ? $"file service version {metadata[1]} is not supported"
        : null;
}
