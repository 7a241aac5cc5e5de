using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using WanAccel.Appliance.Flows;
using WanAccel.Appliance.Interception;
using WanAccel.Appliance.Protocols.Nfs.ReadAhead;

namespace WanAccel.Appliance.Hosting;

/// <summary>
/// Accepts local clients on one interception rule's address and carries each connection to the rule's peer, which
/// connects to the destination (the rule's, or the original one in transparent mode).
/// </summary>
internal sealed class RuleListener : IAsyncDisposable
{
    private readonly InterceptionRuleOptions _rule;
    private readonly string _peer;
    private readonly ApplianceServices _services;
    private readonly LocalListener _listener;

    public RuleListener(InterceptionRuleOptions rule, string peer, ApplianceServices services)
    {
        _rule = rule;
        _peer = peer;
        _services = services;
        _listener = new LocalListener(IPEndPoint.Parse(rule.Listen));
    }

    public string Name => _rule.Name;

    /// <summary>The bound address (the real port when the rule asked for port 0).</summary>
    public IPEndPoint LocalEndPoint => _listener.LocalEndPoint;

    public void Start()
    {
        ApplianceLog.RuleListening(_services.Logger, _rule.Name, _rule.Mode, LocalEndPoint, _peer, _rule.Destination ?? "original destination");
        _listener.Start(512, HandleAsync, e => ApplianceLog.AcceptFailed(_services.Logger, _rule.Name, e));
    }

    /// <summary>Stops accepting; running flows carry on (the appliance drains them).</summary>
    public ValueTask DisposeAsync() => _listener.DisposeAsync();

    private async Task HandleAsync(Socket client)
    {
        var remote = client.RemoteEndPoint?.ToString() ?? "?";
        string? destination, refusal;
        try
        {
            destination = Destination(client, out refusal);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The client went away meanwhile; never leave an accepted socket unread and unclosed.
            (destination, refusal) = (null, e.Message);
        }

        if (destination is null)
        {
            ApplianceLog.ClientRefused(_services.Logger, _rule.Name, remote, refusal!);
            _services.Flows.Refuse(FlowRefusal.NotRedirected);
            Reset(client);
            return;
        }

        IFlowEndpoint local = new SocketPipe(client);
        var record = _services.Flows.Register(_rule.Name, _rule.Protocol, _peer, destination, FlowOrigin.Local);
        var nfs = _services.Options.Nfs;
        var readAhead = nfs.ReadAhead && string.Equals(_rule.Protocol, "nfs", StringComparison.OrdinalIgnoreCase) ? nfs.ReadAheadBytes : 0;
        if (readAhead > 0)
        {
            record.NfsReadAhead = new NfsReadAheadStatistics(_services.NfsReadAhead);
            local = new NfsReadAheadClientEnd(local, readAhead, record.NfsReadAhead);
        }

        PeerLink.PeerChannel channel;
        try
        {
            channel = await LocalFlowOpener.OpenAsync(_services, record, _peer, new FlowOpenRequest(destination, _rule.Name, _rule.Protocol, readAhead)).ConfigureAwait(false);
        }
        catch (IOException)
        {
            await local.DisposeAsync().ConfigureAwait(false);
            return;
        }

        var context = new FlowContext(_services.Store, _services.Peers.KnowledgeOf(_peer), _services.FlowOptions);
        await _services.Runner.RunAsync(record, local, channel, context, _services.Aborting).ConfigureAwait(false);
    }

    private string? Destination(Socket client, out string? refusal)
    {
        refusal = null;
        if (_rule.Mode == InterceptionMode.Forward)
        {
            return _rule.Destination;
        }

        var original = OperatingSystem.IsLinux() ? TransparentSocket.GetOriginalDestination(client) : null;
        if (original is null)
        {
            refusal = "not redirected here by nftables/iptables (no original destination)";
            return null;
        }

        // A link-local scope id names an interface of this host; it means nothing to the far side.
        return original.AddressFamily == AddressFamily.InterNetworkV6 && original.Address.ScopeId != 0
            ? new IPEndPoint(new IPAddress(original.Address.GetAddressBytes()), original.Port).ToString()
            : original.ToString();
    }

    private static void Reset(Socket client)
    {
        client.LingerState = new LingerOption(true, 0);
        client.Dispose();
    }
}
