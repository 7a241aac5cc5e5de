using System.Net;
using WanAccel.Cli.Peers;

namespace WanAccel.Appliance.Tests.EndToEnd;

/// <summary>
/// A real <c>rsync --daemon</c> in the foreground on a free loopback port, with one writable module <c>mod</c> (symbolic links kept as they are) and all
/// its state under a temporary directory (configuration as in shared/PEERS.md). Dispose kills and waits for it.
/// </summary>
internal sealed class RsyncDaemon : IAsyncDisposable
{
    private const int BindAttempts = 5;

    private readonly ExternalProcess _process;

    private RsyncDaemon(ExternalProcess process, string root, IPEndPoint endPoint)
    {
        _process = process;
        Root = root;
        EndPoint = endPoint;
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>The directory under which the state and the module live.</summary>
    public string Root { get; }

    /// <summary>The module's directory on disk: <c>rsync://host:port/mod/x</c> is <c>ModulePath/x</c>.</summary>
    public string ModulePath => Path.Combine(Root, "mod");

    public static async Task<RsyncDaemon> StartAsync(string root, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.Combine(root, "mod"));
        for (var attempt = 1; ; attempt++)
        {
            var endPoint = ExternalProgram.FreeLoopbackPort();
            var config = Path.Combine(root, "rsyncd.conf");
            await File.WriteAllTextAsync(config, $"""
                port = {endPoint.Port}
                address = 127.0.0.1
                pid file = {root}/rsyncd.pid
                lock file = {root}/rsyncd.lock
                use chroot = no
                uid = root
                gid = root
                [mod]
                path = {root}/mod
                read only = no
                munge symlinks = no

                """, cancellationToken);
            var process = ExternalProcess.Start("rsync", ["--daemon", "--no-detach", $"--config={config}", "--log-file=/dev/stderr"]);
            try
            {
                await process.WaitForErrorLineAsync(l => l.Contains("listening on port", StringComparison.Ordinal), cancellationToken);
                return new RsyncDaemon(process, root, endPoint);
            }
            catch (InvalidOperationException) when (attempt < BindAttempts)
            {
                await process.DisposeAsync(); // lost the port to someone else: try another
                File.Delete(Path.Combine(root, "rsyncd.pid"));
            }
            catch
            {
                await process.DisposeAsync();
                throw;
            }
        }
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
