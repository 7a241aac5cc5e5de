using System.Net;

namespace WanAccel.Cli.Peers;

/// <summary>
/// A real nfs-ganesha (FSAL VFS, NFSv3 over TCP) in the foreground on free loopback ports for NFS and MOUNT, exporting
/// one directory, its state under a directory of its own (configuration as in shared/PEERS.md). Ganesha needs rpcbind
/// while it starts: the system's when one runs, else one started for the moment in a network namespace of its own (it
/// registers over /run/rpcbind.sock and opens no port) and stopped, its files removed, once the server is up. Starts
/// are serialised (one rpcbind socket per machine). Dispose stops the server.
/// </summary>
internal sealed class GaneshaServer : IAsyncDisposable
{
    private const string RpcbindSocket = "/run/rpcbind.sock";
    private static readonly SemaphoreSlim Starting = new(1, 1);

    private readonly ExternalProgram _process;

    private GaneshaServer(ExternalProgram process, string export, IPEndPoint nfs, IPEndPoint mount)
    {
        _process = process;
        ExportPath = export;
        Nfs = nfs;
        Mount = mount;
    }

    /// <summary>The exported directory; NFSv3 clients mount it by this real path.</summary>
    public string ExportPath { get; }

    public IPEndPoint Nfs { get; }

    public IPEndPoint Mount { get; }

    public static async Task<GaneshaServer> StartAsync(string export, string stateDirectory, CancellationToken cancellationToken)
    {
        var ganesha = RequiredProgram.Find("ganesha.nfsd", "nfs-ganesha nfs-ganesha-vfs");
        var d = stateDirectory;
        Directory.CreateDirectory(Path.Combine(d, "recov"));
        var mount = ExternalProgram.FreeLoopbackPort();
        var (nlm, rquota) = (ExternalProgram.FreeLoopbackPort(), ExternalProgram.FreeLoopbackPort());
        await Starting.WaitAsync(cancellationToken).ConfigureAwait(false);
        var rpcbind = File.Exists(RpcbindSocket) ? null : await StartRpcbindAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var (process, nfs) = await ExternalProgram.StartListeningAsync(async nfs =>
            {
                var config = Path.Combine(d, "ganesha.conf");
                await File.WriteAllTextAsync(config, $$"""
                    NFS_CORE_PARAM { Bind_Addr = 127.0.0.1; NFS_Port = {{nfs.Port}}; MNT_Port = {{mount.Port}}; NLM_Port = {{nlm.Port}};
                        Rquota_Port = {{rquota.Port}}; Enable_NLM = false; Enable_RQUOTA = false; Enable_UDP = false; Protocols = 3, 4; }
                    NFSV4 { Graceless = true; Only_Numeric_Owners = true; RecoveryBackend = fs; RecoveryRoot = {{d}}/recov; }
                    EXPORT { Export_Id = 1; Path = {{export}}; Pseudo = /export; MaxRead = 1048576; MaxWrite = 1048576; PrefRead = 1048576;
                        PrefWrite = 1048576; Access_Type = RW; Squash = No_Root_Squash; Protocols = 3, 4; Transports = TCP; SecType = sys, none;
                        CLIENT { Clients = 127.0.0.1; Access_Type = RW; } FSAL { Name = VFS; } }

                    """, cancellationToken).ConfigureAwait(false);
                return ExternalProgram.Start(ganesha, ["-F", "-L", "/dev/stderr", "-f", config, "-p", Path.Combine(d, "ganesha.pid"), "-N", "NIV_EVENT"]);
            }, cancellationToken).ConfigureAwait(false);
            try
            {
                await process.WaitForLineAsync(l => l.Contains("NFS SERVER INITIALIZED", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "its start").ConfigureAwait(false);
                await process.WaitListeningAsync(mount, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await process.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            return new GaneshaServer(process, export, nfs, mount);
        }
        finally
        {
            if (rpcbind is not null)
            {
                await rpcbind.DisposeAsync().ConfigureAwait(false);
                DeleteRpcbindFiles();
            }

            Starting.Release();
        }
    }

    /// <summary>An <c>nfs://</c> URL of <paramref name="name"/> in the export, for libnfs tools talking to the given NFS and MOUNT addresses.</summary>
    public string Url(string name, IPEndPoint nfs, IPEndPoint mount) =>
        $"nfs://127.0.0.1{ExportPath}/{name}?version=3&nfsport={nfs.Port}&mountport={mount.Port}";

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    private static async Task<ExternalProgram> StartRpcbindAsync(CancellationToken cancellationToken)
    {
        DeleteRpcbindFiles(); // a lock left by one that died
        var rpcbind = ExternalProgram.Start(RequiredProgram.Find("unshare", "util-linux"), ["--net", RequiredProgram.Find("rpcbind", "rpcbind"), "-f"]);
        try
        {
            using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bound.CancelAfter(TimeSpan.FromSeconds(10));
            while (!File.Exists(RpcbindSocket))
            {
                if (rpcbind.HasExited)
                {
                    throw new InvalidOperationException($"rpcbind exited: {rpcbind.Output}");
                }

                await Task.Delay(20, bound.Token).ConfigureAwait(false);
            }

            return rpcbind;
        }
        catch
        {
            await rpcbind.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static void DeleteRpcbindFiles()
    {
        File.Delete(RpcbindSocket);
        File.Delete("/run/rpcbind.lock");
    }
}
