using System.CommandLine;
using WanAccel.Appliance.Identity;

namespace WanAccel.Cli.Commands;

/// <summary>
/// <c>wanaccel pair init|show</c>: this appliance's peer-link identity. <c>init</c> creates <c>peer.crt</c> and
/// <c>peer.key</c> (0600) in the directory and prints the certificate fingerprint the other appliance pins in its
/// <c>PeerLink:Peers:N:PinnedFingerprints</c>; <c>show</c> prints it again.
/// </summary>
internal static class PairCommand
{
    public static Command Create() => new("pair", "Create or show this appliance's peer-link identity (certificate fingerprint to pin on the other side)")
    {
        CreateInit(),
        CreateShow(),
    };

    private static Option<DirectoryInfo?> DirOption() =>
        new("--dir") { Description = $"Identity directory (default: $WANACCEL_IDENTITY_DIR or {PeerIdentityStore.DefaultDirectory})" };

    private static Command CreateInit()
    {
        var dir = DirOption();
        var name = new Option<string?>("--name") { Description = "Name in the certificate (default: the host name)" };
        var force = new Option<bool>("--force") { Description = "Replace an existing identity (peers that pinned it will refuse this side until re-pinned)" };
        var command = new Command("init", "Create an ECDSA P-256 key and a self-signed certificate; print its SHA-256 fingerprint") { dir, name, force };
        command.SetAction(parse =>
        {
            var directory = parse.GetValue(dir)?.FullName ?? PeerIdentityStore.DefaultDirectory;
            try
            {
                using var identity = PeerIdentityStore.Create(directory, parse.GetValue(name) ?? Environment.MachineName, parse.GetValue(force));
                Console.Error.WriteLine($"wanaccel: identity '{identity.Name}' written to {directory}");
                Console.WriteLine(identity.Fingerprint);
                return 0;
            }
            catch (Exception ex) when (ex is PeerIdentityException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"wanaccel: {ex.Message}");
                return 1;
            }
        });
        return command;
    }

    private static Command CreateShow()
    {
        var dir = DirOption();
        var command = new Command("show", "Print the SHA-256 fingerprint of this appliance's certificate") { dir };
        command.SetAction(parse =>
        {
            var directory = parse.GetValue(dir)?.FullName ?? PeerIdentityStore.DefaultDirectory;
            try
            {
                Console.WriteLine(PeerIdentityStore.LoadFingerprint(directory));
                return 0;
            }
            catch (Exception ex) when (ex is PeerIdentityException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"wanaccel: {ex.Message}");
                return 1;
            }
        });
        return command;
    }
}
