namespace WanAccel.Appliance.Tests.Flows;

/// <summary>Disposes both sessions of a flow run at the end of a test.</summary>
internal sealed class FlowScope(FlowRun run) : IDisposable
{
    public FlowRun Run { get; } = run;

    public void Dispose()
    {
        Run.Edge.Dispose();
        Run.Core.Dispose();
    }
}
