using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace WanAccel.Appliance.Identity;

/// <summary>
/// This appliance's identity on the peer link: an ECDSA P-256 key and a self-signed certificate.
/// Peers trust each other by pinning the SHA-256 <see cref="Fingerprint"/> of the certificate, not by a CA.
/// </summary>
public sealed class PeerIdentity : IDisposable
{
    /// <summary>Default validity of a created certificate: 30 years (pinning, not expiry, is what authenticates).</summary>
    public static readonly TimeSpan DefaultValidity = TimeSpan.FromDays(30 * 365);

    /// <summary>Wraps a certificate that carries its private key.</summary>
    public PeerIdentity(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (!certificate.HasPrivateKey)
        {
            throw new ArgumentException("The certificate has no private key.", nameof(certificate));
        }

        Certificate = certificate;
        Fingerprint = CertificateFingerprint.Compute(certificate);
    }

    /// <summary>The certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>SHA-256 of the DER certificate, 64 lower-case hex digits without colons.</summary>
    public string Fingerprint { get; }

    /// <summary>The common name given at creation.</summary>
    public string Name => Certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);

    /// <summary>Creates a new key pair and a self-signed certificate for <paramref name="name"/>.</summary>
    public static PeerIdentity Create(string name, TimeSpan? validity = null, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(name);
        subject.AddOrganizationName("WanAccel peer");
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false)); // serverAuth, clientAuth
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));

        var now = (timeProvider ?? TimeProvider.System).GetUtcNow();
        using var created = request.CreateSelfSigned(now.AddDays(-1), now + (validity ?? DefaultValidity));

        // Round-trip through PKCS#12 so the key is a persisted (not ephemeral) handle SslStream can use on every platform.
        var pfx = created.Export(X509ContentType.Pkcs12);
        return new PeerIdentity(X509CertificateLoader.LoadPkcs12(pfx, null));
    }

    /// <inheritdoc />
    public void Dispose() => Certificate.Dispose();
}
