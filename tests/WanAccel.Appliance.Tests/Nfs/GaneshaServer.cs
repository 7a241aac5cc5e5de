using System.Net;
using WanAccel.Appliance.Tests.EndToEnd;

namespace WanAccel.Appliance.Tests.Nfs;

/// <summary>
/// A real nfs-ganesha (FSAL VFS, NFSv3 over TCP) in the foreground on free loopback ports for NFS and MOUNT, exporting
/// <see cref="ExportPath"/>, all its state under a temporary directory (configuration as in shared/PEERS.md). Ganesha
/// needs rpcbind while it starts: one runs in a network namespace of its own (it registers over /run/rpcbind.sock and
/// opens no port) and is stopped once the server is up. Only one rpcbind fits a machine, so starts are serialised.
/// Dispose kills and waits for the server.
/// </summary>
internal sealed class GaneshaServer : IAsyncDisposable
{
    private static readonly SemaphoreSlim Starting = new(1, 1);

    private readonly ExternalProcess _process;

    private GaneshaServer(ExternalProcess process, string exportPath, IPEndPoint nfs, IPEndPoint mount)
    {
        _process = process;
        ExportPath = exportPath;
        Nfs = nfs;
        Mount = mount;
    }

    /// <summary>The exported directory; NFSv3 clients mount it by this real path.</summary>
    public string ExportPath { get; }

    public IPEndPoint Nfs { get; }

    public IPEndPoint Mount { get; }

    public static async Task<GaneshaServer> StartAsync(string directory, CancellationToken cancellationToken)
    {
        var export = Directory.CreateDirectory(Path.Combine(directory, "export")).FullName;
        Directory.CreateDirectory(Path.Combine(directory, "recov"));
        Directory.CreateDirectory(Path.Combine(directory, "run"));
        var mount = LoopbackPort.Free();
        var (nlm, rquota) = (LoopbackPort.Free(), LoopbackPort.Free());
        await Starting.WaitAsync(cancellationToken);
        var rpcbind = await StartRpcbindAsync(cancellationToken);
        try
        {
            var (process, nfs) = await LoopbackPort.StartServerAsync(async nfs =>
            {
                var config = Path.Combine(directory, "ganesha.conf");
                await File.WriteAllTextAsync(config, $$"""
                    NFS_CORE_PARAM { Bind_Addr = 127.0.0.1; NFS_Port = {{nfs.Port}}; MNT_Port = {{mount.Port}}; NLM_Port = {{nlm.Port}};
                        Rquota_Port = {{rquota.Port}}; Enable_NLM = false; Enable_RQUOTA = false; Enable_UDP = false; Protocols = 3, 4; }
                    NFSV4 { Graceless = true; Only_Numeric_Owners = true; RecoveryBackend = fs; RecoveryRoot = {{directory}}/recov; }
                    EXPORT { Export_Id = 1; Path = {{export}}; Pseudo = /export; MaxRead = 1048576; MaxWrite = 1048576; PrefRead = 1048576;
                        PrefWrite = 1048576; Access_Type = RW; Squash = No_Root_Squash; Protocols = 3, 4; Transports = TCP; SecType = sys, none;
                        CLIENT { Clients = 127.0.0.1; Access_Type = RW; } FSAL { Name = VFS; } }

                    """, cancellationToken);
                return ExternalProcess.Start("ganesha.nfsd", ["-F", "-L", "/dev/stderr", "-f", config, "-p", Path.Combine(directory, "run", "ganesha.pid"), "-N", "NIV_EVENT"]);
            }, cancellationToken);
            try
            {
                await process.WaitForErrorLineAsync(l => l.Contains("NFS SERVER INITIALIZED", StringComparison.Ordinal), cancellationToken);
                await LoopbackPort.WaitListeningAsync(process, mount, cancellationToken);
            }
            catch
            {
                await process.DisposeAsync();
                throw;
            }

            return new GaneshaServer(process, export, nfs, mount);
        }
        finally
        {
            await rpcbind.DisposeAsync();
            DeleteRpcbindFiles();
            Starting.Release();
        }
    }

    /// <summary>An <c>nfs://</c> URL of <paramref name="name"/> in the export, for libnfs tools talking to the given NFS and MOUNT addresses.</summary>
    public string Url(string name, IPEndPoint nfs, IPEndPoint mount) =>
        $"nfs://127.0.0.1{ExportPath}/{name}?version=3&nfsport={nfs.Port}&mountport={mount.Port}";

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    private static async Task<ExternalProcess> StartRpcbindAsync(CancellationToken cancellationToken)
    {
        DeleteRpcbindFiles();
        var rpcbind = ExternalProcess.Start("unshare", ["--net", "rpcbind", "-f"]);
        while (!File.Exists("/run/rpcbind.sock"))
        {
            if (rpcbind.HasExited)
            {
                throw new InvalidOperationException($"rpcbind exited: {rpcbind.ErrorText}");
            }

            await Task.Delay(20, cancellationToken);
        }

        return rpcbind;
    }

    private static void DeleteRpcbindFiles()
    {
        File.Delete("/run/rpcbind.sock");
        File.Delete("/run/rpcbind.lock");
    }
}
