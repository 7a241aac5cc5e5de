using System.Net;
using WanAccel.Appliance.Tests.EndToEnd;

namespace WanAccel.Appliance.Tests.Smb;

/// <summary>
/// A real Samba <c>smbd</c> in the foreground on a free loopback port with one guest-writable share <c>share</c>, all
/// its state under a temporary directory (configuration as in shared/PEERS.md), and the matching client configuration
/// for <c>smbclient</c>, which logs on as a real user (<see cref="User"/>; a guest session has no key to sign with).
/// Dispose kills and waits for it.
/// </summary>
internal sealed class SambaServer : IAsyncDisposable
{
    /// <summary>The account smbclient uses: root, with a password in the server's own passdb.</summary>
    public const string User = "root%Secr3t!";

    private readonly ExternalProcess _process;

    private SambaServer(ExternalProcess process, string directory, IPEndPoint endPoint)
    {
        _process = process;
        Directory = directory;
        EndPoint = endPoint;
    }

    public IPEndPoint EndPoint { get; }

    public string Directory { get; }

    /// <summary>The share's directory on disk: <c>//host/share/x</c> is <c>SharePath/x</c>.</summary>
    public string SharePath => Path.Combine(Directory, "share");

    /// <summary>smbclient's configuration (signing as the server requires it, no encryption).</summary>
    public string ClientConfig => Path.Combine(Directory, "client.conf");

    /// <param name="signing">Server signing: <c>disabled</c> or <c>mandatory</c>.</param>
    public static async Task<SambaServer> StartAsync(string directory, string signing, CancellationToken cancellationToken)
    {
        foreach (var sub in (string[])["lock", "state", "cache", "pid", "private", "log", "ncalrpc", "share"])
        {
            System.IO.Directory.CreateDirectory(Path.Combine(directory, sub));
        }

        var clientSigning = signing == "mandatory" ? "required" : "disabled";
        await File.WriteAllTextAsync(Path.Combine(directory, "client.conf"), $"""
            [global]
            client signing = {clientSigning}
            client smb encrypt = off
            client min protocol = SMB2_02

            """, cancellationToken);
        var (process, endPoint) = await LoopbackPort.StartServerAsync(async endPoint =>
        {
            var config = Path.Combine(directory, "smb.conf");
            await File.WriteAllTextAsync(config, $"""
                [global]
                server role = standalone server
                interfaces = 127.0.0.1
                bind interfaces only = yes
                smb ports = {endPoint.Port}
                disable netbios = yes
                lock directory = {directory}/lock
                state directory = {directory}/state
                cache directory = {directory}/cache
                pid directory = {directory}/pid
                private dir = {directory}/private
                ncalrpc dir = {directory}/ncalrpc
                log file = {directory}/log/log.%m
                passdb backend = tdbsam:{directory}/private/passdb.tdb
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
                server smb encrypt = off

                [share]
                path = {directory}/share
                read only = no
                guest ok = yes
                force user = root

                """, cancellationToken);
            // In a session of its own (smbd signals its whole process group when it exits, which would include this test
            // host), and with /dev/null as input: in the foreground it exits at the end of a piped standard input.
            return ExternalProcess.Start("setsid", ["-w", "sh", "-c", "exec \"$@\" < /dev/null", "smbd",
                "smbd", "--foreground", "--no-process-group", "--debug-stdout", "-s", config, "-d", "1"]);
        }, cancellationToken);
        try
        {
            await AddUserAsync(Path.Combine(directory, "smb.conf"), cancellationToken);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }

        return new SambaServer(process, directory, endPoint);
    }

    /// <summary>Runs one smbclient command line against <paramref name="at"/> (the server itself, or the edge's rule).</summary>
    public async Task<string> ClientAsync(IPEndPoint at, string commands, string workingDirectory, CancellationToken cancellationToken)
    {
        var (code, output, error) = await ExternalProcess.RunAsync(
            "sh", ["-c", $"cd '{workingDirectory}' && exec smbclient -s '{ClientConfig}' //127.0.0.1/share -p {at.Port} -U '{User}' -c '{commands}'"], cancellationToken);
        Assert.True(code == 0, $"smbclient -c '{commands}' exited {code}: {error}{output}");
        return output;
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    private static async Task AddUserAsync(string config, CancellationToken cancellationToken)
    {
        var password = User[(User.IndexOf('%', StringComparison.Ordinal) + 1)..];
        var (code, output, error) = await ExternalProcess.RunAsync(
            "sh", ["-c", $"printf '%s\\n%s\\n' '{password}' '{password}' | smbpasswd -c '{config}' -s -a root"], cancellationToken);
        Assert.True(code == 0, $"smbpasswd exited {code}: {error}{output}");
    }
}
