using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace WanAccel.Cli.Wan;

/// <summary>
/// A real nginx serving one file read-only (through a symbolic link in its own root), in the foreground on a free
/// loopback port, with all its state under <c>directory</c>. Its workers run as the current user (nginx would switch
/// root's to nobody, who cannot read a private temporary directory). Dispose stops it.
/// </summary>
internal sealed class NginxServer : IAsyncDisposable
{
    private readonly Process _process;

    private NginxServer(Process process, IPEndPoint endPoint, string fileName)
    {
        _process = process;
        EndPoint = endPoint;
        FileName = fileName;
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>The served file's name: <c>http://EndPoint/FileName</c>.</summary>
    public string FileName { get; }

    public static async Task<NginxServer> StartAsync(string file, string directory, CancellationToken cancellationToken)
    {
        var nginx = RequiredProgram.Find("nginx", "nginx");
        var root = Directory.CreateDirectory(Path.Combine(directory, "root")).FullName;
        var name = Path.GetFileName(file);
        File.CreateSymbolicLink(Path.Combine(root, name), Path.GetFullPath(file));
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var endPoint = (IPEndPoint)probe.LocalEndPoint!;
        probe.Close();
        var config = Path.Combine(directory, "nginx.conf");
        await File.WriteAllTextAsync(config, $$"""
            daemon off;
            user {{Environment.UserName}};
            pid {{directory}}/nginx.pid;
            error_log {{directory}}/error.log notice;
            events {}
            http {
                access_log off;
                sendfile on;
                client_body_temp_path {{directory}}/body;
                proxy_temp_path {{directory}}/proxy;
                fastcgi_temp_path {{directory}}/fastcgi;
                uwsgi_temp_path {{directory}}/uwsgi;
                scgi_temp_path {{directory}}/scgi;
                server { listen {{endPoint}}; root {{root}}; }
            }

            """, cancellationToken).ConfigureAwait(false);
        var start = new ProcessStartInfo(nginx) { UseShellExecute = false, RedirectStandardError = true };
        foreach (var argument in (string[])["-c", config, "-e", Path.Combine(directory, "error.log")])
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start nginx");
        var server = new NginxServer(process, endPoint, name);
        try
        {
            await server.WaitListeningAsync(directory, cancellationToken).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync().ConfigureAwait(false);
        _process.Dispose();
    }

    private async Task WaitListeningAsync(string directory, CancellationToken cancellationToken)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(TimeSpan.FromSeconds(10));
        while (true)
        {
            if (_process.HasExited)
            {
                var log = Path.Combine(directory, "error.log");
                throw new InvalidOperationException($"nginx exited ({_process.ExitCode}): {(File.Exists(log) ? File.ReadAllText(log) : "")}");
            }

            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await client.ConnectAsync(EndPoint, bound.Token).ConfigureAwait(false);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(20, bound.Token).ConfigureAwait(false);
            }
        }
    }
}
