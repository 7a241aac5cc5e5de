namespace WanAccel.Appliance.Tests.Observability;

/// <summary>One line of the Prometheus text format: a series name, its labels and its value.</summary>
internal sealed record MetricSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public bool Matches(string name, (string Label, string Value)[] labels) =>
        Name == name && labels.All(l => Labels.TryGetValue(l.Label, out var v) && v == l.Value);
}
