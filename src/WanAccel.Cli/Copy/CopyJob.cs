namespace WanAccel.Cli.Copy;

/// <summary>One file to copy: pushed (local → remote) or pulled (remote → local); <paramref name="Size"/> when known.</summary>
internal sealed record CopyJob(bool Push, string Source, string Target, long Size, bool MakeParents);
