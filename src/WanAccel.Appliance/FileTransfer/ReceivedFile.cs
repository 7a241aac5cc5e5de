using WanAccel.Appliance.FileTransfer.Protocol;

namespace WanAccel.Appliance.FileTransfer;

/// <summary>A file received, verified and renamed into place: its SHA-256 and what the sender counted.</summary>
public sealed record ReceivedFile(string Path, long Length, byte[] Sha256, SenderFigures Sender, long BasisBytesHashed, bool Resumed);
