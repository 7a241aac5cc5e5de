using System.Net;
using WanAccel.Appliance.FileTransfer;
using WanAccel.Appliance.Hosting;
using WanAccel.Appliance.Tests.Hosting;
using WanAccel.Appliance.WanEmulation;

namespace WanAccel.Appliance.Tests.FileTransfer;

/// <summary>
/// A real edge + core pair (<see cref="AppliancePair"/>) where the core exports <c>/rw</c> (read-write), <c>/ro</c>
/// (read-only) and <c>/wo</c> (write-only) and the edge has its <c>wanaccel cp</c> port; <see cref="Local"/> is the client's own directory.
/// </summary>
internal sealed class FileTransferBed : IAsyncDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("wanaccel-cp-").FullName;

    private FileTransferBed(WanEmulatorOptions? wan, Func<ApplianceOptions, ApplianceOptions>? tuneEdge)
    {
        Directory.CreateDirectory(ReadWrite);
        Directory.CreateDirectory(ReadOnly);
        Directory.CreateDirectory(WriteOnly);
        Directory.CreateDirectory(Local);
        Pair = new AppliancePair(new IPEndPoint(IPAddress.Loopback, 9), tune: o => o.Name == "core"
            ? o with
            {
                Exports =
                [
                    new ExportOptions { Name = "rw", Path = ReadWrite, Access = ExportAccess.ReadWrite },
                    new ExportOptions { Name = "ro", Path = ReadOnly, Access = ExportAccess.Read },
                    new ExportOptions { Name = "wo", Path = WriteOnly, Access = ExportAccess.Write },
                ],
            }
            : (tuneEdge ?? (e => e))(o with { FileTransfer = new FileTransferOptions { Listen = "127.0.0.1:0" } }), wan: wan);
    }

    public AppliancePair Pair { get; }

    /// <summary>The core's read-write export directory.</summary>
    public string ReadWrite => Path.Combine(_root, "export-rw");

    public string ReadOnly => Path.Combine(_root, "export-ro");

    public string WriteOnly => Path.Combine(_root, "export-wo");

    /// <summary>The client's directory.</summary>
    public string Local => Path.Combine(_root, "local");

    /// <summary>Outside every export.</summary>
    public string Outside => _root;

    public CancellationToken Token => Pair.Token;

    /// <param name="tuneEdge">More edge configuration (e.g. an HTTP proxy), applied after the cp port's.</param>
    public static async Task<FileTransferBed> StartAsync(WanEmulatorOptions? wan = null, Func<ApplianceOptions, ApplianceOptions>? tuneEdge = null)
    {
        var bed = new FileTransferBed(wan, tuneEdge);
        await bed.Pair.WaitUpAsync();
        return bed;
    }

    public Task<FileTransferClient> ConnectAsync(string peer = "core") =>
        FileTransferClient.ConnectAsync(Pair.Edge.FileTransferEndPoint!, peer, Token);

    /// <summary>One push on a fresh connection, closed cleanly after.</summary>
    public async Task<TransferReport> PushAsync(string local, string remote, TransferOptions? options = null)
    {
        await using var client = await ConnectAsync();
        var report = await client.PushAsync(local, remote, options ?? new TransferOptions(), null, Token);
        await client.CloseAsync(Token);
        return report;
    }

    public async Task<TransferReport> PullAsync(string remote, string local, TransferOptions? options = null)
    {
        await using var client = await ConnectAsync();
        var report = await client.PullAsync(remote, local, options ?? new TransferOptions(), null, null, Token);
        await client.CloseAsync(Token);
        return report;
    }

    public async ValueTask DisposeAsync()
    {
        await Pair.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }
}
