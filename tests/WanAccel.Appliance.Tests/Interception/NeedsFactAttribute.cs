namespace WanAccel.Appliance.Tests.Interception;

/// <summary>A fact skipped, with the reason, where the machine lacks what it needs (never in CI; see <see cref="InterceptionEnvironment"/>).</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class NeedsFactAttribute : FactAttribute
{
    public NeedsFactAttribute(Requirement requirement) => Skip = InterceptionEnvironment.SkipReason(requirement);
}
