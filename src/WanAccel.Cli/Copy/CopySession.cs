using System.Net;
using WanAccel.Appliance.FileTransfer;

namespace WanAccel.Cli.Copy;

/// <summary>
/// Runs copy jobs against one peer through the local appliance on one connection; a failed file is reported and the
/// next one gets a new connection (the far side closes after an error), as scp carries on.
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

    /// <summary>Files up to this size are pushed without a basis and pipelined (a basis saves little on them).</summary>
    public const long SmallFileBytes = 1 << 20;

    /// <summary>Most small pushes whose RESULT is outstanding (≈ 32 MiB in flight at most).</summary>
    public const int PipelineDepth = 32;

    /// <summary>
    /// Runs the jobs in order. Small pushes are pipelined: each is sent without waiting for the previous RESULT (the
    /// results are read in order once <see cref="PipelineDepth"/> are outstanding or a large job comes), so a tree of small
    /// files does not pay a round trip per file. After a failure the far side closes the connection and serves nothing
    /// sent after the failed file: those are sent again, once, on a new connection.
    /// </summary>
    public async Task<CopySummary> RunAsync(IReadOnlyList<CopyJob> jobs, ICopyProgress progress, CancellationToken cancellationToken)
    {
        var done = new List<TransferReport>();
        var failed = new List<CopyFailure>();
        var todo = new LinkedList<CopyJob>(jobs);
        var pending = new Queue<(CopyJob Job, PendingPush Push)>();
        var attempts = new Dictionary<CopyJob, int>(ReferenceEqualityComparer.Instance);

        void Fail(CopyJob job, FileTransferException e)
        {
            failed.Add(new CopyFailure(job.Source, job.Target, e.Status.ToString(), e.Message));
            progress.Done(job, null, e.Message);
        }

        void Requeue()
        {
            // The connection ended: what is still pending was not served (or its RESULT is lost); send it again, once.
            foreach (var (job, _) in pending.Reverse())
            {
                attempts[job] = attempts.GetValueOrDefault(job) + 1;
                if (attempts[job] > 1)
                {
                    Fail(job, new FileTransferException(TransferStatus.IoError, $"{job.Source}: not copied: the connection ended twice before its result"));
                }
                else
                {
                    todo.AddFirst(job);
                }
            }

            pending.Clear();
        }

        while (todo.Count > 0 || pending.Count > 0)
        {
            var next = todo.First?.Value;
            var small = next is { Push: true } && next.Size <= SmallFileBytes;
            if (next is not null && small && pending.Count < PipelineDepth)
            {
                todo.RemoveFirst();
                progress.Start(next);
                try
                {
                    var client = await ClientAsync(cancellationToken).ConfigureAwait(false);
                    pending.Enqueue((next, await client.StartPushAsync(next.Source, next.Target, options with { MakeParents = next.MakeParents }, cancellationToken).ConfigureAwait(false)));
                }
                catch (FileTransferException e)
                {
                    Fail(next, e);
                    Requeue();
                }

                continue;
            }

            if (pending.Count > 0)
            {
                var (job, push) = pending.Dequeue();
                try
                {
                    var client = await ClientAsync(cancellationToken).ConfigureAwait(false);
                    var report = await client.CompletePushAsync(push, cancellationToken).ConfigureAwait(false);
                    done.Add(report with { Target = $"{peer}:{report.Target}" });
                    progress.Done(job, report, null);
                }
                catch (FileTransferException e)
                {
                    Fail(job, e);
                    Requeue();
                }

                continue;
            }

            todo.RemoveFirst();
            await RunOneAsync(next!, done, Fail, progress, cancellationToken).ConfigureAwait(false);
        }

        return new CopySummary(done, failed);
    }

    private async Task RunOneAsync(CopyJob job, List<TransferReport> done, Action<CopyJob, FileTransferException> fail, ICopyProgress progress, CancellationToken cancellationToken)
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
            fail(job, e);
        }
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
