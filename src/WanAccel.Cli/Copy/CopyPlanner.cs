using WanAccel.Appliance.FileTransfer;
using WanAccel.Appliance.FileTransfer.Protocol;

namespace WanAccel.Cli.Copy;

/// <summary>
/// Expands scp-style operands into one job per file. Push: a directory source needs <c>-r</c> and lands under the
/// target as in scp (inside it when the target is an existing directory, as it otherwise). Pull: the same with the
/// far side's STAT and LIST.
/// </summary>
internal static class CopyPlanner
{
    public static async Task<List<CopyJob>> PushJobsAsync(IReadOnlyList<string> sources, string target, bool recursive, CopySession session, List<CopyFailure> failures,
        CancellationToken cancellationToken)
    {
        var jobs = new List<CopyJob>();
        FileInfoRecord? targetInfo = null;
        try
        {
            var client = await session.ClientAsync(cancellationToken).ConfigureAwait(false);
            targetInfo = await client.StatAsync(target, cancellationToken).ConfigureAwait(false);
        }
        catch (FileTransferException e) when (e.Status == TransferStatus.NotFound)
        {
            // A new file (the session connects again: the far side closes after any ERROR).
        }

        var targetIsDirectory = targetInfo?.IsDirectory == true || target.EndsWith('/');
        if (sources.Count > 1 && !targetIsDirectory)
        {
            throw new FileTransferException(TransferStatus.WrongType, $"{target}: not a directory (several sources)");
        }

        foreach (var source in sources)
        {
            if (Directory.Exists(source))
            {
                if (!recursive)
                {
                    failures.Add(new CopyFailure(source, target, nameof(TransferStatus.WrongType), $"{source}: is a directory (use -r)"));
                    continue;
                }

                var root = targetIsDirectory ? $"{target.TrimEnd('/')}/{Path.GetFileName(Path.TrimEndingDirectorySeparator(source))}" : target.TrimEnd('/');
                foreach (var file in Directory.EnumerateFiles(source, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }).Order(StringComparer.Ordinal))
                {
                    var relative = Path.GetRelativePath(source, file).Replace(Path.DirectorySeparatorChar, '/');
                    jobs.Add(new CopyJob(true, file, $"{root}/{relative}", new FileInfo(file).Length, MakeParents: true));
                }
            }
            else if (File.Exists(source))
            {
                jobs.Add(new CopyJob(true, source, targetIsDirectory ? $"{target.TrimEnd('/')}/" : target, new FileInfo(source).Length, MakeParents: false));
            }
            else
            {
                failures.Add(new CopyFailure(source, target, nameof(TransferStatus.NotFound), $"{source}: no such file or directory"));
            }
        }

        return jobs;
    }

    public static async Task<List<CopyJob>> PullJobsAsync(IReadOnlyList<string> sources, string target, bool recursive, CopySession session, CancellationToken cancellationToken)
    {
        var client = await session.ClientAsync(cancellationToken).ConfigureAwait(false);
        var jobs = new List<CopyJob>();
        var targetIsDirectory = Directory.Exists(target);
        if (sources.Count > 1 && !targetIsDirectory)
        {
            throw new FileTransferException(TransferStatus.WrongType, $"{target}: not a directory (several sources)");
        }

        foreach (var source in sources)
        {
            var info = await client.StatAsync(source, cancellationToken).ConfigureAwait(false);
            var name = source.TrimEnd('/').Split('/')[^1];
            if (!info.IsDirectory)
            {
                jobs.Add(new CopyJob(false, source, targetIsDirectory ? Path.Combine(target, name) : target, info.Size, MakeParents: false));
                continue;
            }

            if (!recursive)
            {
                throw new FileTransferException(TransferStatus.WrongType, $"{source}: is a directory (use -r)");
            }

            var root = targetIsDirectory ? Path.Combine(target, name) : target;
            foreach (var entry in await client.ListAsync(source, cancellationToken).ConfigureAwait(false))
            {
                jobs.Add(new CopyJob(false, $"{source.TrimEnd('/')}/{entry.Path}", Path.Combine(root, entry.Path), entry.Size, MakeParents: true));
            }
        }

        return jobs;
    }
}
