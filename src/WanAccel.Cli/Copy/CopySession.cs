using System.Net;
using WanAccel.Appliance.FileTransfer;

namespace WanAccel.Cli.Copy;

/// <summary>
/// Runs copy jobs against one peer through the local appliance, one after another on one connection; a failed file is
/// reported and the next one gets a new connection (the far side closes after an error), as scp carries on.
/// </summary>
internal sealed class CopySession(EndPoint appliance, string peer, TransferOptions options) : IAsyncDisposable
{
    private FileTransferClient? _client;

    /// <summary>The connection, opened again when the previous request failed.</summary>
    public async Task<FileTransferClient> ClientAsync(CancellationToken cancellationToken)
    {
        if (_client is { IsBroken: false })
        {
            return _client;
        }

        if (_client is not null)
        {
            await _client.DisposeAsync().ConfigureAwait(false);
        }

        _client = await FileTransferClient.ConnectAsync(appliance, peer, cancellationToken).ConfigureAwait(false);
        return _client;
    }

    public async Task<CopySummary> RunAsync(IReadOnlyList<CopyJob> jobs, ICopyProgress progress, CancellationToken cancellationToken)
    {
        var done = new List<TransferReport>();
        var failed = new List<CopyFailure>();
        foreach (var job in jobs)
        {
            progress.Start(job);
            try
            {
                var client = await ClientAsync(cancellationToken).ConfigureAwait(false);
                var jobOptions = options with { MakeParents = job.MakeParents };
                TransferReport report;
                if (job.Push)
                {
                    report = await client.PushAsync(job.Source, job.Target, jobOptions, progress.Advance, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    if (job.MakeParents && Path.GetDirectoryName(Path.GetFullPath(job.Target)) is { } parent)
                    {
                        Directory.CreateDirectory(parent);
                    }

                    report = await client.PullAsync(job.Source, job.Target, jobOptions, progress.Size, progress.Advance, cancellationToken).ConfigureAwait(false);
                }

                report = job.Push ? report with { Target = $"{peer}:{report.Target}" } : report with { Source = $"{peer}:{report.Source}" };
                done.Add(report);
                progress.Done(job, report, null);
            }
            catch (FileTransferException e)
            {
                failed.Add(new CopyFailure(job.Source, job.Target, e.Status.ToString(), e.Message));
                progress.Done(job, null, e.Message);
            }
        }

        return new CopySummary(done, failed);
    }

    /// <summary>Ends the session cleanly (bounded by <paramref name="cancellationToken"/>).</summary>
    public async Task CloseAsync(CancellationToken cancellationToken)
    {
        if (_client is { IsBroken: false })
        {
            await _client.CloseAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync().ConfigureAwait(false);
        }
    }
}
