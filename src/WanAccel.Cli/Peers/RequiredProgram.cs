namespace WanAccel.Cli.Peers;

/// <summary>Finds a third-party program a run needs (nginx, curl) or says clearly which one is missing.</summary>
internal static class RequiredProgram
{
    public static string Find(string name, string package)
    {
        var directories = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/usr/bin", "/sbin", "/bin"]);
        return directories.Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException($"{name} is not installed; it is needed for this protocol (apt-get install {package}).");
    }
}
