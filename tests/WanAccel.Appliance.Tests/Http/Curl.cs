using WanAccel.Appliance.Tests.EndToEnd;

namespace WanAccel.Appliance.Tests.Http;

/// <summary>The real curl client: runs one request and returns the HTTP status it got (<c>-w %{http_code}</c>).</summary>
internal static class Curl
{
    /// <summary>Runs curl with <paramref name="arguments"/>; the response body goes to <paramref name="bodyFile"/> (or is discarded).</summary>
    public static async Task<int> RunAsync(string? bodyFile, CancellationToken cancellationToken, params string[] arguments)
    {
        string[] common = ["-sS", "-o", bodyFile ?? "/dev/null", "-w", "%{http_code}", "--max-time", "60"];
        var (code, output, error) = await ExternalProcess.RunAsync("curl", [.. common, .. arguments], cancellationToken);
        Assert.True(code == 0, $"curl {string.Join(' ', arguments)} exited {code}: {error}");
        return int.Parse(output.Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
