using Microsoft.Extensions.Logging;
using WanAccel.Appliance.Flows;
using WanAccel.Appliance.Interception;
using WanAccel.Appliance.PeerLink;
using WanAccel.Appliance.Protocols;

namespace WanAccel.Appliance.Hosting;

/// <summary>Runs one flow between a local socket and a peer channel, tracks it, and ends both cleanly or with a reset.</summary>
internal sealed class FlowRunner(FlowRegistry registry, FileTotals files, ILogger logger, TimeSpan drainTimeout)
{
    /// <summary>Ends a flow that failed before its session started (no channel, no destination).</summary>
    public void Fail(FlowRecord record, Exception error)
    {
        registry.Complete(record, error);
        ApplianceLog.FlowFailed(logger, record.Id, record.Rule, record.Origin, record.Destination, record.Duration.TotalSeconds, error.Message);
    }

    public async Task RunAsync(FlowRecord record, IFlowEndpoint local, PeerChannel channel, FlowContext context, CancellationToken cancellationToken)
    {
        ApplianceLog.FlowStarted(logger, record.Id, record.Rule, record.Origin, record.Destination, record.Peer);
        Exception? error = null;
        var tap = ProtocolParsers.TapFor(record, files, context.Options.FileAnchorBytes, logger);
        using var session = new FlowSession(local, channel, context, logger: logger, tap: tap);
        record.Session = session;
        try
        {
            await session.RunAsync(cancellationToken).ConfigureAwait(false);
            await local.CloseAsync(drainTimeout).ConfigureAwait(false);
            await channel.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            error = e;
            local.Abort();
            channel.Reset(e is PeerChannelResetException ? PeerResetCode.Cancelled : PeerResetCode.InternalError, e.Message);
            await local.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            tap?.Files.Complete();
            registry.Complete(record, error);
        }

        var stats = record.Statistics;
        if (error is null)
        {
            ApplianceLog.FlowCompleted(logger, record.Id, record.Rule, record.Origin, record.Destination, record.Duration.TotalSeconds,
                stats.LanBytesIn, stats.LanBytesOut, stats.WanBytesOut, stats.WanBytesIn);
        }
        else
        {
            ApplianceLog.FlowFailed(logger, record.Id, record.Rule, record.Origin, record.Destination, record.Duration.TotalSeconds, error.Message);
        }
    }
}
