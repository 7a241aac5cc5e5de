using WanAccel.Appliance.FileTransfer.Protocol;

namespace WanAccel.Appliance.FileTransfer;

/// <summary>A push whose data and END are sent and whose RESULT is still to be read.</summary>
public sealed record PendingPush(string LocalPath, string RemotePath, EndRecord End, string Format, long Started, bool Resumed);
