namespace WanAccel.Appliance.Tests.EndToEnd;

/// <summary>
/// A fact that needs real programs (rsync, socat, nc). Skipped with the reason on a developer machine that lacks
/// them; never skipped in CI (<c>CI</c> set), where <c>.ci/run</c> installs them and a missing one must fail the run.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class ToolFactAttribute : FactAttribute
{
    public ToolFactAttribute(params string[] tools) => Skip = RequiredTools.SkipReason(tools);
}
