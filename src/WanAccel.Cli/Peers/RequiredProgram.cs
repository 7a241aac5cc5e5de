namespace WanAccel.Cli.Peers;

/// <summary>Finds a third-party program a run needs (nginx, curl) or says clearly which one is missing.</summary>
internal static class RequiredProgram
{
    public static string Find(string name, string package) =>
        TryFind(name) ?? throw new FileNotFoundException($"{name} is not installed; it is needed for this protocol (apt-get install {package}).");

    /// <summary>The program's path on <c>PATH</c> or in the system directories (sbin included), or null.</summary>
    public static string? TryFind(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/usr/bin", "/sbin", "/bin"])
            .Select(d => Path.Combine(d, name))
            .FirstOrDefault(File.Exists);
}
