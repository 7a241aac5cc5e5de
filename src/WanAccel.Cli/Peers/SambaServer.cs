using System.Net;

namespace WanAccel.Cli.Peers;

/// <summary>
/// A real Samba <c>smbd</c> in the foreground on a free loopback port sharing one directory as <c>share</c>, with a
/// real user (<see cref="User"/>: a guest session has no key to sign with), all its state under a directory of its own
/// (configuration as in shared/PEERS.md), and the matching <c>smbclient</c> configuration. Dispose stops it.
/// </summary>
internal sealed class SambaServer : IAsyncDisposable
{
    /// <summary>The account clients use: root, with a password in the server's own passdb.</summary>
    public const string User = "root%Secr3t!";

    private readonly ExternalProgram _process;

    private SambaServer(ExternalProgram process, IPEndPoint endPoint, string clientConfig)
    {
        _process = process;
        EndPoint = endPoint;
        ClientConfig = clientConfig;
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>smbclient's configuration: signing and encryption as the server requires them.</summary>
    public string ClientConfig { get; }

    /// <param name="share">The shared directory.</param>
    /// <param name="stateDirectory">Where smbd keeps its configuration, databases and logs.</param>
    /// <param name="signing">Server signing: <c>disabled</c> or <c>mandatory</c>.</param>
    /// <param name="readOnly">Whether clients may write.</param>
    /// <param name="encrypt">Whether server and client require SMB3 encryption (<c>smb encrypt = required</c>).</param>
    public static async Task<SambaServer> StartAsync(string share, string stateDirectory, string signing, bool readOnly, CancellationToken cancellationToken, bool encrypt = false)
    {
        var encryption = encrypt ? "required" : "off";
        var smbd = RequiredProgram.Find("smbd", "samba");
        var smbpasswd = RequiredProgram.Find("smbpasswd", "samba");
        var d = stateDirectory;
        foreach (var sub in (string[])["lock", "state", "cache", "pid", "private", "log", "ncalrpc"])
        {
            Directory.CreateDirectory(Path.Combine(d, sub));
        }

        var clientConfig = Path.Combine(d, "client.conf");
        await File.WriteAllTextAsync(clientConfig, $"""
            [global]
            client signing = {(signing == "mandatory" ? "required" : "disabled")}
            client smb encrypt = {encryption}
            client min protocol = SMB2_02

            """, cancellationToken).ConfigureAwait(false);
        var config = Path.Combine(d, "smb.conf");
        var (process, endPoint) = await ExternalProgram.StartListeningAsync(async endPoint =>
        {
            await File.WriteAllTextAsync(config, $"""
                [global]
                server role = standalone server
                interfaces = 127.0.0.1
                bind interfaces only = yes
                smb ports = {endPoint.Port}
                disable netbios = yes
                lock directory = {d}/lock
                state directory = {d}/state
                cache directory = {d}/cache
                pid directory = {d}/pid
                private dir = {d}/private
                ncalrpc dir = {d}/ncalrpc
                log file = {d}/log/log.%m
                passdb backend = tdbsam:{d}/private/passdb.tdb
                map to guest = Bad User
                guest account = nobody
                idmap config * : backend = tdb
                idmap config * : range = 3000-7999
                load printers = no
                printing = bsd
                printcap name = /dev/null
                disable spoolss = yes
                server min protocol = SMB2_02
                kernel oplocks = no
                usershare path =
                registry shares = no
                server signing = {signing}
                server smb encrypt = {encryption}

                [share]
                path = {share}
                read only = {(readOnly ? "yes" : "no")}
                force user = root

                """, cancellationToken).ConfigureAwait(false);

            // In a session of its own (smbd signals its whole process group when it exits, which would include this
            // process), and with /dev/null as input: in the foreground it exits at the end of a piped standard input.
            return ExternalProgram.Start("setsid", ["-w", "sh", "-c", "exec \"$@\" < /dev/null", "smbd",
                smbd, "--foreground", "--no-process-group", "--debug-stdout", "-s", config, "-d", "1"]);
        }, cancellationToken).ConfigureAwait(false);
        try
        {
            var password = User[(User.IndexOf('%', StringComparison.Ordinal) + 1)..];
            ExternalProgram.Run("sh", "-c", "printf '%s\\n%s\\n' \"$1\" \"$1\" | \"$2\" -c \"$3\" -s -a root", "sh", password, smbpasswd, config);
        }
        catch
        {
            await process.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return new SambaServer(process, endPoint, clientConfig);
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
