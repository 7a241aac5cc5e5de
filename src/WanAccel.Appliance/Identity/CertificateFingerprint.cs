using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace WanAccel.Appliance.Identity;

/// <summary>SHA-256 certificate fingerprints as pinned on the peer link: 64 lower-case hex digits, no colons.</summary>
public static class CertificateFingerprint
{
    /// <summary>Length of a normalized fingerprint: 32 bytes as hex.</summary>
    public const int Length = 64;

    /// <summary>SHA-256 over the DER encoding of <paramref name="certificate"/>.</summary>
    public static string Compute(X509Certificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(certificate.GetRawCertData(), hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>
    /// Accepts the forms people paste (upper case, <c>AA:BB:..</c>, spaces) and returns the normalized form,
    /// or null when the text is not 32 bytes of hex.
    /// </summary>
    public static string? Normalize(string? text)
    {
        if (text is null)
        {
            return null;
        }

        Span<char> buffer = stackalloc char[Length];
        var n = 0;
        foreach (var c in text)
        {
            if (c is ':' or ' ' or '-')
            {
                continue;
            }

            if (!char.IsAsciiHexDigit(c) || n == Length)
            {
                return null;
            }

            buffer[n++] = char.ToLowerInvariant(c);
        }

        return n == Length ? new string(buffer) : null;
    }
}
