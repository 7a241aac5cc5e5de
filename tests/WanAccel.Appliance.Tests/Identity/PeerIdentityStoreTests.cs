using WanAccel.Appliance.Identity;

namespace WanAccel.Appliance.Tests.Identity;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // file modes; the appliance runs on Linux
public sealed class PeerIdentityStoreTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"wanaccel-identity-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public void Create_ThenLoad_SameFingerprintAndKey()
    {
        using var created = PeerIdentityStore.Create(_dir, "edge-1");
        using var loaded = PeerIdentityStore.Load(_dir);

        Assert.Equal(created.Fingerprint, loaded.Fingerprint);
        Assert.Equal(created.Fingerprint, PeerIdentityStore.LoadFingerprint(_dir));
        Assert.Equal("edge-1", loaded.Name);
        Assert.True(loaded.Certificate.HasPrivateKey);
        Assert.Matches("^[0-9a-f]{64}$", loaded.Fingerprint);
        Assert.True(loaded.Certificate.NotAfter > DateTime.UtcNow.AddYears(20));
    }

    [Fact]
    public void Load_Twice_FingerprintStable()
    {
        PeerIdentityStore.Create(_dir, "edge-1").Dispose();
        using var first = PeerIdentityStore.Load(_dir);
        using var second = PeerIdentityStore.Load(_dir);

        Assert.Equal(first.Fingerprint, second.Fingerprint);
    }

    [Fact]
    public void Create_Files_KeyIs0600AndDirectory0700()
    {
        PeerIdentityStore.Create(_dir, "edge-1").Dispose();

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_dir, PeerIdentityStore.KeyFileName)));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_dir));
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", File.ReadAllText(Path.Combine(_dir, PeerIdentityStore.KeyFileName)), StringComparison.Ordinal);
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", File.ReadAllText(Path.Combine(_dir, PeerIdentityStore.CertificateFileName)), StringComparison.Ordinal);
    }

    [Fact]
    public void Create_ExistingIdentity_RefusedUnlessOverwrite()
    {
        using var first = PeerIdentityStore.Create(_dir, "edge-1");

        Assert.Throws<PeerIdentityException>(() => PeerIdentityStore.Create(_dir, "edge-1"));
        using var replaced = PeerIdentityStore.Create(_dir, "edge-1", overwrite: true);
        Assert.NotEqual(first.Fingerprint, replaced.Fingerprint);
    }

    [Fact]
    public void Load_KeyReadableByOthers_Refused()
    {
        PeerIdentityStore.Create(_dir, "edge-1").Dispose();
        File.SetUnixFileMode(Path.Combine(_dir, PeerIdentityStore.KeyFileName), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        var ex = Assert.Throws<PeerIdentityException>(() => PeerIdentityStore.Load(_dir));
        Assert.Contains("chmod 600", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingDirectory_TypedError()
    {
        Assert.Throws<PeerIdentityException>(() => PeerIdentityStore.Load(_dir));
        Assert.Throws<PeerIdentityException>(() => PeerIdentityStore.LoadFingerprint(_dir));
    }

    [Fact]
    public void Load_KeyOfAnotherIdentity_TypedError()
    {
        PeerIdentityStore.Create(_dir, "edge-1").Dispose();
        var other = _dir + "-other";
        try
        {
            PeerIdentityStore.Create(other, "edge-2").Dispose();
            File.Copy(Path.Combine(other, PeerIdentityStore.KeyFileName), Path.Combine(_dir, PeerIdentityStore.KeyFileName), overwrite: true);

            Assert.Throws<PeerIdentityException>(() => PeerIdentityStore.Load(_dir));
        }
        finally
        {
            Directory.Delete(other, recursive: true);
        }
    }

    [Theory]
    [InlineData("AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89")]
    [InlineData("abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789")]
    [InlineData(" ABCDEF0123456789 ABCDEF0123456789 ABCDEF0123456789 ABCDEF0123456789 ")]
    public void Normalize_PastedForms_LowerHexWithoutColons(string text)
    {
        Assert.Equal("abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789", CertificateFingerprint.Normalize(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("abcdef")]
    [InlineData("zzcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789")]
    [InlineData("abcdef0123456789abcdef0123456789abcdef0123456789abcdef012345678900")]
    public void Normalize_NotSha256Hex_Null(string text)
    {
        Assert.Null(CertificateFingerprint.Normalize(text));
    }
}
