using System.Net;
using WanAccel.Appliance.Tests.EndToEnd;

namespace WanAccel.Appliance.Tests.Http;

/// <summary>
/// A real nginx in the foreground on a free loopback port serving <see cref="Root"/> with WebDAV PUT (configuration as
/// in shared/PEERS.md), all its state under a temporary directory. Dispose kills and waits for it.
/// </summary>
internal sealed class NginxOrigin : IAsyncDisposable
{
    private readonly ExternalProcess _process;

    private NginxOrigin(ExternalProcess process, string root, IPEndPoint endPoint)
    {
        _process = process;
        Root = root;
        EndPoint = endPoint;
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>The document root: <c>http://host:port/x</c> is <c>Root/x</c>.</summary>
    public string Root { get; }

    public string Url => $"http://{EndPoint}/";

    public static async Task<NginxOrigin> StartAsync(string directory, CancellationToken cancellationToken)
    {
        var root = Path.Combine(directory, "root");
        Directory.CreateDirectory(root);
        Directory.CreateDirectory(Path.Combine(directory, "temp"));
        var (process, endPoint) = await LoopbackPort.StartServerAsync(async endPoint =>
        {
            var config = Path.Combine(directory, "nginx.conf");
            await File.WriteAllTextAsync(config, $$"""
                daemon off;
                user root;
                pid {{directory}}/nginx.pid;
                error_log /dev/stderr notice;
                events {}
                http {
                    access_log {{directory}}/access.log;
                    client_body_temp_path {{directory}}/temp/body;
                    proxy_temp_path {{directory}}/temp/proxy;
                    fastcgi_temp_path {{directory}}/temp/fastcgi;
                    uwsgi_temp_path {{directory}}/temp/uwsgi;
                    scgi_temp_path {{directory}}/temp/scgi;
                    server {
                        listen {{endPoint}};
                        root {{root}};
                        client_max_body_size 0;
                        location / {
                            dav_methods PUT DELETE MKCOL COPY MOVE;
                            create_full_put_path on;
                            dav_access user:rw group:rw all:r;
                            autoindex on;
                        }
                    }
                }

                """, cancellationToken);
            return ExternalProcess.Start("nginx", ["-c", config, "-e", "/dev/stderr"]);
        }, cancellationToken);
        return new NginxOrigin(process, root, endPoint);
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
