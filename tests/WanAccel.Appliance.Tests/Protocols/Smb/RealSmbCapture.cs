using WanAccel.Appliance.Tests.EndToEnd;
using WanAccel.Cli.Peers;

namespace WanAccel.Appliance.Tests.Protocols.Smb;

/// <summary>Real smbclient against a real smbd through a <see cref="RecordingRelay"/>: one connection's capture.</summary>
internal static class RealConnectionCapture
{
    public const string LocalName = "local.bin";
    public const string RemoteName = "remote.bin";
    public const string ReadBackName = "back.bin";

    /// <summary>
    /// Writes <paramref name="content"/> as <see cref="LocalName"/>, then in one smbclient session puts it to the share
    /// as <see cref="RemoteName"/> and gets it back as <see cref="ReadBackName"/> (checked byte for byte).
    /// </summary>
    public static async Task<ConnectionCapture> PutAndGetAsync(byte[] content, string signing, bool encrypt)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        using var work = new TempDirectory();
        var share = Directory.CreateDirectory(work["share"]).FullName;
        var local = Directory.CreateDirectory(work["local"]).FullName;
        await File.WriteAllBytesAsync(Path.Combine(local, LocalName), content, timeout.Token);
        await using var samba = await SambaServer.StartAsync(share, work["samba"], signing, readOnly: false, timeout.Token, encrypt);
        await using var relay = new RecordingRelay(samba.EndPoint);

        var (code, output, error) = await ExternalProcess.RunAsync(
            "sh",
            ["-c", $"cd '{local}' && exec smbclient -s '{samba.ClientConfig}' //127.0.0.1/share -p {relay.EndPoint.Port} -U '{SambaServer.User}' -c 'put {LocalName} {RemoteName}; get {RemoteName} {ReadBackName}'"],
            timeout.Token);
        Assert.True(code == 0, $"smbclient exited {code}: {error}{output}");
        Hosting.TestPayload.AssertFileHolds(content, Path.Combine(local, ReadBackName));

        return Assert.Single(await relay.ClosedAsync(timeout.Token));
    }
}
