using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace WanAccel.Appliance.Identity;

/// <summary>
/// Saves and loads a <see cref="PeerIdentity"/> as two PEM files in one directory:
/// <c>peer.crt</c> (the certificate, public, mode 0644) and <c>peer.key</c> (PKCS#8 private key, unencrypted, mode 0600).
/// The directory is created with mode 0700. A key file readable by group or others is refused on load, as ssh does.
/// </summary>
public static class PeerIdentityStore
{
    /// <summary>File name of the PEM certificate.</summary>
    public const string CertificateFileName = "peer.crt";

    /// <summary>File name of the PEM PKCS#8 private key.</summary>
    public const string KeyFileName = "peer.key";

    private const UnixFileMode KeyMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode CertificateMode = KeyMode | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode DirectoryMode = KeyMode | UnixFileMode.UserExecute;
    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Default identity directory: <c>$WANACCEL_IDENTITY_DIR</c>, else <c>~/.config/wanaccel/identity</c>.</summary>
    public static string DefaultDirectory =>
        Environment.GetEnvironmentVariable("WANACCEL_IDENTITY_DIR") is { Length: > 0 } dir
            ? dir
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData, Environment.SpecialFolderOption.DoNotVerify), "wanaccel", "identity");

    /// <summary>True when either identity file exists in <paramref name="directory"/>.</summary>
    public static bool Exists(string directory) =>
        File.Exists(Path.Combine(directory, CertificateFileName)) || File.Exists(Path.Combine(directory, KeyFileName));

    /// <summary>Creates a new identity and saves it; refuses to overwrite an existing one unless <paramref name="overwrite"/>.</summary>
    public static PeerIdentity Create(string directory, string name, bool overwrite = false, TimeProvider? timeProvider = null)
    {
        if (!overwrite && Exists(directory))
        {
            throw new PeerIdentityException($"{directory} already holds an identity; replace it only on purpose (wanaccel pair init --force): peers that pinned it will refuse the new one.");
        }

        var identity = PeerIdentity.Create(name, timeProvider: timeProvider);
        try
        {
            Save(identity, directory);
            return identity;
        }
        catch
        {
            identity.Dispose();
            throw;
        }
    }

    /// <summary>Writes the two PEM files (replacing existing ones) with their modes set at creation.</summary>
    public static void Save(PeerIdentity identity, string directory)
    {
        ArgumentNullException.ThrowIfNull(identity);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, DirectoryMode);
        }

        using var key = identity.Certificate.GetECDsaPrivateKey()
            ?? throw new PeerIdentityException("Only ECDSA identities can be saved.");
        WriteAtomically(Path.Combine(directory, KeyFileName), key.ExportPkcs8PrivateKeyPem(), KeyMode);
        WriteAtomically(Path.Combine(directory, CertificateFileName), identity.Certificate.ExportCertificatePem() + "\n", CertificateMode);
    }

    /// <summary>Loads the identity (certificate and key) saved in <paramref name="directory"/>.</summary>
    public static PeerIdentity Load(string directory)
    {
        var certPath = Path.Combine(directory, CertificateFileName);
        var keyPath = Path.Combine(directory, KeyFileName);
        if (!File.Exists(certPath) || !File.Exists(keyPath))
        {
            throw new PeerIdentityException($"No identity in {directory} (expected {CertificateFileName} and {KeyFileName}); run 'wanaccel pair init'.");
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(keyPath) & GroupOrOther) != 0)
        {
            throw new PeerIdentityException($"{keyPath} is accessible by group or others; run 'chmod 600 {keyPath}'.");
        }

        try
        {
            using var pem = X509Certificate2.CreateFromPemFile(certPath, keyPath);
            // Re-import through PKCS#12: a PEM-loaded key is ephemeral, which SslStream rejects on some platforms.
            return new PeerIdentity(X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null));
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            // ArgumentException: a well-formed key that belongs to another certificate.
            throw new PeerIdentityException($"{directory}: certificate or key unreadable, or they do not match: {ex.Message}", ex);
        }
    }

    /// <summary>Fingerprint of the saved certificate (the key is not read), for <c>wanaccel pair show</c>.</summary>
    public static string LoadFingerprint(string directory)
    {
        var certPath = Path.Combine(directory, CertificateFileName);
        if (!File.Exists(certPath))
        {
            throw new PeerIdentityException($"No certificate at {certPath}; run 'wanaccel pair init'.");
        }

        try
        {
            using var cert = X509CertificateLoader.LoadCertificateFromFile(certPath); // DER or PEM
            return CertificateFingerprint.Compute(cert);
        }
        catch (CryptographicException ex)
        {
            throw new PeerIdentityException($"{certPath}: not a PEM certificate: {ex.Message}", ex);
        }
    }

    private static void WriteAtomically(string path, string text, UnixFileMode mode)
    {
        var temp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode; // the key is never on disk with a wider mode, not even briefly
        }

        using (var stream = new FileStream(temp, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(text);
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, mode); // UnixCreateMode is masked by umask, and an existing temp keeps its mode
        }

        File.Move(temp, path, overwrite: true);
    }
}
