using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using WanAccel.Appliance.Hosting;
using WanAccel.Appliance.Tests.Hosting;
using WanAccel.Appliance.Tests.WanEmulation;

namespace WanAccel.Appliance.Tests.Observability;

/// <summary>Keeps appliance/ honest: the Grafana dashboard and the scrape config use what the appliance really serves.</summary>
public sealed partial class ApplianceFilesTests
{
    [Fact]
    public async Task GrafanaDashboard_EveryQueriedMetric_IsExportedByARunningPair()
    {
        await using var origin = new LoopbackServer(ApplianceFlowTests.SinkReplyingHashAsync);
        await using var pair = new AppliancePair(origin.EndPoint, tune: MetricsEndpointTests.WithMetrics);
        await pair.WaitUpAsync();
        await ApplianceFlowTests.UploadAsync(pair, TestPayload.Create(1 << 20, seed: 13));
        await MetricsEndpointTests.WaitEndedAsync(pair, edge: 1, core: 1);
        var exported = (await MetricsEndpointTests.ScrapeWhenRttMeasuredAsync(pair.Edge, "core", pair.Token)).Names
            .Union((await MetricsEndpointTests.ScrapeWhenRttMeasuredAsync(pair.Core, "edge", pair.Token)).Names)
            .ToHashSet();

        var queried = DashboardQueries().SelectMany(q => MetricName().Matches(q).Select(m => m.Value)).ToHashSet();

        Assert.True(queried.Count >= 20, $"only {queried.Count} metrics queried");
        Assert.All(queried, name => Assert.Contains(name, exported));
    }

    [Fact]
    public void GrafanaDashboard_Json_IsImportableWithThePrometheusInput()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(RepositoryFiles.Path("appliance", "grafana", "wanaccel-dashboard.json")));
        var root = dashboard.RootElement;

        var input = Assert.Single(root.GetProperty("__inputs").EnumerateArray());
        Assert.Equal("DS_PROMETHEUS", input.GetProperty("name").GetString());
        Assert.Equal("prometheus", input.GetProperty("pluginId").GetString());
        Assert.False(string.IsNullOrEmpty(root.GetProperty("uid").GetString()));
        var panels = root.GetProperty("panels").EnumerateArray().ToList();
        Assert.Equal(panels.Count, panels.Select(p => p.GetProperty("id").GetInt32()).Distinct().Count());
        foreach (var panel in panels.Where(p => p.GetProperty("type").GetString() != "row"))
        {
            var grid = panel.GetProperty("gridPos");
            Assert.InRange(grid.GetProperty("x").GetInt32() + grid.GetProperty("w").GetInt32(), 1, 24);
            Assert.Equal("${DS_PROMETHEUS}", panel.GetProperty("datasource").GetProperty("uid").GetString());
            Assert.NotEmpty(panel.GetProperty("targets").EnumerateArray());
            Assert.All(panel.GetProperty("targets").EnumerateArray(), t => Assert.Equal("${DS_PROMETHEUS}", t.GetProperty("datasource").GetProperty("uid").GetString()));
        }
    }

    [Fact]
    public void PrometheusScrapeConfig_ScrapesTheDefaultMetricsPortAndPath()
    {
        var config = File.ReadAllText(RepositoryFiles.Path("appliance", "prometheus", "wanaccel-scrape.yml"));
        var port = IPEndPoint.Parse(new MetricsOptions().Listen!).Port;

        Assert.Contains("metrics_path: /metrics", config, StringComparison.Ordinal);
        Assert.Contains($":{port}", config, StringComparison.Ordinal);
    }

    /// <summary>Every PromQL expression of the dashboard: panel targets and template variables.</summary>
    private static List<string> DashboardQueries()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(RepositoryFiles.Path("appliance", "grafana", "wanaccel-dashboard.json")));
        var root = dashboard.RootElement;
        var queries = root.GetProperty("panels").EnumerateArray()
            .Where(p => p.TryGetProperty("targets", out _))
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .Select(t => t.GetProperty("expr").GetString()!)
            .ToList();
        queries.AddRange(root.GetProperty("templating").GetProperty("list").EnumerateArray().Select(v => v.GetProperty("definition").GetString()!));
        return queries;
    }

    [GeneratedRegex("wanaccel_[a-z0-9_]+")]
    private static partial Regex MetricName();
}
