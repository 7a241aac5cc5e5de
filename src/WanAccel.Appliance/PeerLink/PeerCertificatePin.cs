using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using WanAccel.Appliance.Identity;

namespace WanAccel.Appliance.PeerLink;

/// <summary>
/// Replaces chain validation for one handshake: the remote certificate is accepted only when its SHA-256 fingerprint
/// is pinned (for <paramref name="expectedPeer"/> when given, any configured peer otherwise). Chain errors
/// (self-signed, unknown CA, name mismatch) are ignored on purpose; expiry too — the pin is the trust decision.
/// </summary>
internal sealed class PeerCertificatePin(IReadOnlyDictionary<string, string> pins, string? expectedPeer)
{
    public PeerRefusalReason? Refusal { get; private set; }

    public string? PeerName { get; private set; }

    public string? Fingerprint { get; private set; }

    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null)
        {
            Refusal = PeerRefusalReason.NoCertificate;
            return false;
        }

        Fingerprint = CertificateFingerprint.Compute(certificate);
        if (pins.TryGetValue(Fingerprint, out var peer) && (expectedPeer is null || peer == expectedPeer))
        {
            PeerName = peer;
            return true;
        }

        Refusal = PeerRefusalReason.UnpinnedCertificate;
        return false;
    }
}
