using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using WanAccel.Appliance.Hosting;

namespace WanAccel.Appliance.Observability;

/// <summary>
/// What <c>/healthz</c> reports: healthy when the appliance is running (not stopping, store readable) and every
/// configured peer's link is up — or it has no peers. <see cref="Reason"/> says what is wrong otherwise.
/// </summary>
internal sealed record ApplianceHealth(bool IsHealthy, string? Reason, IReadOnlyList<KeyValuePair<string, string>> Peers, long StoreUsedBytes, int ActiveFlows)
{
    public static ApplianceHealth Check(ApplianceInstance appliance, bool stopping)
    {
        var problems = new List<string>();
        if (stopping)
        {
            problems.Add("the appliance is stopping");
        }

        long used = -1;
        try
        {
            used = appliance.Store.GetStatistics().UsedBytes;
        }
        catch (Exception e) when (e is ObjectDisposedException or IOException)
        {
            problems.Add($"the chunk store is not readable: {e.Message}");
        }

        var peers = new List<KeyValuePair<string, string>>();
        foreach (var name in appliance.Peers.PeerNames)
        {
            var state = appliance.Peers.Connectors.TryGetValue(name, out var connector)
                ? connector.State.ToString().ToLowerInvariant()
                : appliance.Peers.IsUp(name) ? "up" : "down";
            peers.Add(new(name, state));
            if (state != "up")
            {
                problems.Add($"peer link to '{name}' is {state}");
            }
        }

        return new ApplianceHealth(problems.Count == 0, problems.Count == 0 ? null : string.Join("; ", problems), peers, used, appliance.Flows.Active.Count);
    }

    /// <summary>One short JSON object: status, reason when unhealthy, peer link states, store use, running flows.</summary>
    public byte[] ToJson(string name)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        // Relaxed escaping: the body is read by people and probes, never embedded in HTML, so 'core' need not be \u0027core\u0027.
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("status", IsHealthy ? "ok" : "unavailable");
            if (Reason is not null)
            {
                json.WriteString("reason", Reason);
            }

            json.WriteString("name", name);
            json.WriteStartObject("peers");
            foreach (var (peer, state) in Peers)
            {
                json.WriteString(peer, state);
            }

            json.WriteEndObject();
            json.WriteNumber("storeUsedBytes", StoreUsedBytes);
            json.WriteNumber("activeFlows", ActiveFlows);
            json.WriteEndObject();
        }

        buffer.Write("\n"u8);
        return buffer.WrittenSpan.ToArray();
    }
}
