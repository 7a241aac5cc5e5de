namespace WanAccel.Appliance.Tests.EndToEnd;

/// <summary>
/// A fact that needs real programs (rsync, socat, nc). Skipped with the reason on a developer machine that lacks
/// them; never skipped in CI (<c>CI</c> set), where <c>.ci/run</c> installs them and a missing one must fail the run.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class ToolFactAttribute : FactAttribute
{
    public ToolFactAttribute(params string[] tools)
    {
        var missing = tools.Where(t => !Exists(t)).ToList();
        if (missing.Count > 0 && !InCi)
        {
            Skip = $"not installed: {string.Join(", ", missing)} (apt-get install as in .ci/run)";
        }
    }

    private static bool InCi => Environment.GetEnvironmentVariable("CI") is { Length: > 0 } ci && ci != "0" && !ci.Equals("false", StringComparison.OrdinalIgnoreCase);

    private static bool Exists(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(':').Append("/usr/bin").Append("/usr/sbin")
            .Any(dir => File.Exists(Path.Combine(dir, tool)));
}
