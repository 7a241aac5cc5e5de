namespace WanAccel.Cli.Copy;

/// <summary>A file that was not copied, and why.</summary>
internal sealed record CopyFailure(string Source, string Target, string Status, string Message);
