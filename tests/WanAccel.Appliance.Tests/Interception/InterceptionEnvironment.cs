using System.Reflection;

namespace WanAccel.Appliance.Tests.Interception;

/// <summary>
/// Whether this machine can run the interception tests, and where the real CLI is. In CI (<c>CI=true</c>, root) nothing
/// is skipped on Linux: a missing tool or permission there fails the tests instead of hiding them.
/// </summary>
internal static class InterceptionEnvironment
{
    private static readonly Lazy<string?> NamespaceProblem = new(FindNamespaceProblem);

    /// <summary>The <c>wanaccel</c> CLI built beside this test project (a build-only project reference).</summary>
    public static string CliPath { get; } = typeof(InterceptionEnvironment).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "WanAccelCli").Value!;

    /// <summary>The <c>dotnet</c> host running these tests, to run the CLI with.</summary>
    public static string DotnetHost { get; } =
        Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath!
        : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
        : "dotnet";

    public static string? SkipReason(Requirement requirement)
    {
        if (!OperatingSystem.IsLinux())
        {
            return "Linux only (SO_ORIGINAL_DST, SO_MARK, nftables, network namespaces)";
        }

        if (requirement == Requirement.Linux || Environment.GetEnvironmentVariable("CI") == "true")
        {
            return null;
        }

        if (!Environment.IsPrivilegedProcess)
        {
            return "needs root: CAP_NET_ADMIN for SO_MARK, nftables and network namespaces";
        }

        return requirement == Requirement.Root ? null : NamespaceProblem.Value;
    }

    public static bool IsInstalled(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(["/usr/sbin", "/sbin"])
            .Any(dir => File.Exists(Path.Combine(dir, tool)));

    private static string? FindNamespaceProblem()
    {
        var missing = new[] { "ip", "nft", "socat" }.Where(t => !IsInstalled(t)).ToList();
        if (missing.Count > 0)
        {
            return $"not installed: {string.Join(", ", missing)} (apt-get install iproute2 nftables socat)";
        }

        try
        {
            using var probe = new NetworkNamespace("probe");
            return null;
        }
        catch (InvalidOperationException e)
        {
            return $"network namespaces are not permitted here: {e.Message}";
        }
    }
}
