namespace WanAccel.Appliance.Tests.EndToEnd;

/// <summary>A theory that needs real programs; skipped like <see cref="ToolFactAttribute"/>.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class ToolTheoryAttribute : TheoryAttribute
{
    public ToolTheoryAttribute(params string[] tools) => Skip = RequiredTools.SkipReason(tools);
}
