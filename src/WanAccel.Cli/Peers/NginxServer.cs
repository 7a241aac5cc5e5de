using System.Net;

namespace WanAccel.Cli.Peers;

/// <summary>
/// A real nginx serving a directory, in the foreground on a free loopback port, its state under a directory of its
/// own; optionally with WebDAV PUT (as in shared/PEERS.md). Its workers run as the current user (nginx would switch
/// root's to nobody, who cannot read a private directory). Dispose stops it.
/// </summary>
internal sealed class NginxServer : IAsyncDisposable
{
    private readonly ExternalProgram _process;

    private NginxServer(ExternalProgram process, IPEndPoint endPoint, string root)
    {
        _process = process;
        EndPoint = endPoint;
        Root = root;
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>The document root: <c>http://EndPoint/x</c> is <c>Root/x</c>.</summary>
    public string Root { get; }

    public static async Task<NginxServer> StartAsync(string root, string stateDirectory, bool webDav, CancellationToken cancellationToken)
    {
        var nginx = RequiredProgram.Find("nginx", "nginx");
        Directory.CreateDirectory(stateDirectory);
        var dav = webDav ? "dav_methods PUT DELETE MKCOL COPY MOVE; create_full_put_path on; dav_access user:rw group:rw all:r;" : "";
        var (process, endPoint) = await ExternalProgram.StartListeningAsync(async endPoint =>
        {
            var config = Path.Combine(stateDirectory, "nginx.conf");
            await File.WriteAllTextAsync(config, $$"""
                daemon off;
                user {{Environment.UserName}};
                pid {{stateDirectory}}/nginx.pid;
                error_log stderr notice;
                events {}
                http {
                    access_log off;
                    sendfile on;
                    client_body_temp_path {{stateDirectory}}/body;
                    proxy_temp_path {{stateDirectory}}/proxy;
                    fastcgi_temp_path {{stateDirectory}}/fastcgi;
                    uwsgi_temp_path {{stateDirectory}}/uwsgi;
                    scgi_temp_path {{stateDirectory}}/scgi;
                    server {
                        listen {{endPoint}};
                        root {{root}};
                        client_max_body_size 0;
                        location / { {{dav}} }
                    }
                }

                """, cancellationToken).ConfigureAwait(false);
            return ExternalProgram.Start(nginx, ["-c", config, "-e", "stderr"]);
        }, cancellationToken).ConfigureAwait(false);
        return new NginxServer(process, endPoint, root);
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
