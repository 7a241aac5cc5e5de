namespace WanAccel.Appliance.Tests.Interception;

/// <summary>A theory skipped, with the reason, where the machine lacks what it needs (never in CI; see <see cref="InterceptionEnvironment"/>).</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class NeedsTheoryAttribute : TheoryAttribute
{
    public NeedsTheoryAttribute(Requirement requirement) => Skip = InterceptionEnvironment.SkipReason(requirement);
}
