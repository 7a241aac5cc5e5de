using WanAccel.Appliance.Hosting;

namespace WanAccel.Appliance.Observability;

/// <summary>The labels every flow metric carries: rule, protocol and origin (never the flow or its destination).</summary>
internal readonly record struct FlowLabels(string Rule, string Protocol, string Origin)
{
    /// <summary>Stands for every rule past the cardinality bound.</summary>
    public const string Other = "other";

    public static FlowLabels Of(FlowRecord flow) => new(flow.Rule, flow.Protocol, OriginOf(flow.Origin));

    public static string OriginOf(FlowOrigin origin) => origin == FlowOrigin.Local ? "local" : "remote";

    /// <summary>This key with everything but the origin replaced by <see cref="Other"/>.</summary>
    public FlowLabels AsOther() => this with { Rule = Other, Protocol = Other };

    /// <summary>Label values in the order of <see cref="ApplianceMetrics"/>' flow label names, then <paramref name="more"/>.</summary>
    public string[] With(params string[] more) => [Rule, Protocol, Origin, .. more];
}
