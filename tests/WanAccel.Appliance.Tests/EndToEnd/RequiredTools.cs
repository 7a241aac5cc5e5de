using WanAccel.Cli.Peers;

namespace WanAccel.Appliance.Tests.EndToEnd;

/// <summary>Whether the programs a test needs are installed; in CI (<c>CI</c> set) a missing one is never a skip.</summary>
internal static class RequiredTools
{
    /// <summary>Null when the test may run, else why it is skipped.</summary>
    public static string? SkipReason(IEnumerable<string> tools)
    {
        var missing = tools.Where(t => RequiredProgram.TryFind(t) is null).ToList();
        return missing.Count > 0 && !InCi ? $"not installed: {string.Join(", ", missing)} (apt-get install as in .ci/run)" : null;
    }

    private static bool InCi => Environment.GetEnvironmentVariable("CI") is { Length: > 0 } ci && ci != "0" && !ci.Equals("false", StringComparison.OrdinalIgnoreCase);
}
