using System.Globalization;
using System.Net;
using System.Text;

namespace WanAccel.Appliance.Tests.Observability;

/// <summary>
/// A parsed <c>/metrics</c> response (Prometheus text format 0.0.4): every sample, and the family names from the
/// <c># TYPE</c> lines. Strict: a line it cannot parse fails the test.
/// </summary>
internal sealed class MetricsScrape
{
    private MetricsScrape(IReadOnlyList<MetricSample> samples, IReadOnlySet<string> families)
    {
        Samples = samples;
        Families = families;
    }

    public IReadOnlyList<MetricSample> Samples { get; }

    /// <summary>Metric family names (counters with their <c>_total</c>, histograms without <c>_bucket</c>).</summary>
    public IReadOnlySet<string> Families { get; }

    /// <summary>Every name a query can use: sample names (<c>_bucket</c>, <c>_sum</c>, <c>_count</c> included) and family names.</summary>
    public IReadOnlySet<string> Names => Samples.Select(s => s.Name).Concat(Families).ToHashSet();

    public static async Task<MetricsScrape> GetAsync(IPEndPoint endPoint, CancellationToken cancellationToken)
    {
        using var http = new HttpClient();
        using var response = await http.GetAsync($"http://{endPoint}/metrics", cancellationToken);
        response.EnsureSuccessStatusCode();
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType);
        return Parse(await response.Content.ReadAsStringAsync(cancellationToken));
    }

    public static MetricsScrape Parse(string text)
    {
        var samples = new List<MetricSample>();
        var families = new HashSet<string>();
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                families.Add(line.Split(' ')[2]);
            }
            else if (line.Length > 0 && line[0] != '#')
            {
                samples.Add(ParseSample(line));
            }
        }

        return new MetricsScrape(samples, families);
    }

    /// <summary>The value of the one series of <paramref name="name"/> with these labels (others may differ).</summary>
    public double Value(string name, params (string Label, string Value)[] labels)
    {
        var matching = Samples.Where(s => s.Matches(name, labels)).ToList();
        Assert.True(matching.Count == 1, $"{matching.Count} series of {name} match {string.Join(",", labels)}");
        return matching[0].Value;
    }

    /// <summary>The sum over every series of <paramref name="name"/> with these labels; 0 when none.</summary>
    public double Sum(string name, params (string Label, string Value)[] labels) =>
        Samples.Where(s => s.Matches(name, labels)).Sum(s => s.Value);

    public bool Has(string name, params (string Label, string Value)[] labels) => Samples.Any(s => s.Matches(name, labels));

    private static MetricSample ParseSample(string line)
    {
        var labels = new Dictionary<string, string>();
        var brace = line.IndexOf('{', StringComparison.Ordinal);
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        string name;
        int rest;
        if (brace >= 0 && brace < space)
        {
            name = line[..brace];
            rest = ParseLabels(line, brace + 1, labels);
        }
        else
        {
            name = line[..space];
            rest = space;
        }

        var fields = line[rest..].Trim().Split(' ');
        return new MetricSample(name, labels, ParseValue(fields[0]));
    }

    /// <summary>Reads <c>a="x",b="y"}</c> from <paramref name="at"/>; returns the index after the closing brace.</summary>
    private static int ParseLabels(string line, int at, Dictionary<string, string> labels)
    {
        while (line[at] != '}')
        {
            var equals = line.IndexOf('=', at);
            var label = line[at..equals];
            Assert.Equal('"', line[equals + 1]);
            var value = new StringBuilder();
            var i = equals + 2;
            for (; line[i] != '"'; i++)
            {
                if (line[i] == '\\')
                {
                    i++;
                    value.Append(line[i] == 'n' ? '\n' : line[i]);
                }
                else
                {
                    value.Append(line[i]);
                }
            }

            labels.Add(label, value.ToString());
            at = line[i + 1] == ',' ? i + 2 : i + 1;
        }

        return at + 1;
    }

    private static double ParseValue(string text) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
    };
}
