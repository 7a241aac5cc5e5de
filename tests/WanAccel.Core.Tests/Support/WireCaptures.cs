using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace WanAccel.Core.Tests.Support;

/// <summary>Real bytes of real protocols and formats, made on the spot: a TLS session, compressor output, a file-system image.</summary>
internal static class WireCaptures
{
    /// <summary>Both directions of a TLS 1.2/1.3 session over loopback (handshake, then <paramref name="appBytes"/> of text each way), as they left each socket.</summary>
    public static async Task<(byte[] Client, byte[] Server)> TlsSessionAsync(int appBytes)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=wanaccel-test", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        using var accepted = await listener.AcceptTcpClientAsync();
        var clientWire = new RecordingStream(client.GetStream());
        var serverWire = new RecordingStream(accepted.GetStream());
        var pinned = certificate.GetCertHashString();
        await using var clientTls = new SslStream(clientWire, leaveInnerStreamOpen: false, (_, presented, _, _) => presented?.GetCertHashString() == pinned);
        await using var serverTls = new SslStream(serverWire, leaveInnerStreamOpen: false);
        await Task.WhenAll(
            clientTls.AuthenticateAsClientAsync("wanaccel-test"),
            serverTls.AuthenticateAsServerAsync(certificate));
        var text = Samples.Text(appBytes, 50);
        await Task.WhenAll(
            Exchange(clientTls, text),
            Exchange(serverTls, text));
        return (clientWire.Written, serverWire.Written);
    }

    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    /// <summary>A raw deflate stream: compressed data with no magic in front.</summary>
    public static byte[] Deflate(byte[] data)
    {
        using var output = new MemoryStream();
        using (var deflate = new DeflateStream(output, CompressionLevel.Optimal))
        {
            deflate.Write(data);
        }

        return output.ToArray();
    }

    public static byte[] Zstd(byte[] data, int level = 3)
    {
        using var compressor = new ZstdSharp.Compressor(level);
        return compressor.Wrap(data).ToArray();
    }

    /// <summary>Real machine code and metadata: the runtime's core library.</summary>
    public static byte[] CoreLibrary(int length)
    {
        var bytes = File.ReadAllBytes(typeof(object).Assembly.Location);
        return bytes.AsSpan(0, Math.Min(length, bytes.Length)).ToArray();
    }

    /// <summary>The first <paramref name="length"/> bytes of a fresh 64 MiB ext4 image made by mkfs.ext4.</summary>
    public static byte[] Ext4ImageHead(int length)
    {
        var path = Path.Combine(Path.GetTempPath(), $"wanaccel-ext4-{Guid.NewGuid():N}.img");
        try
        {
            using (var file = File.Create(path))
            {
                file.SetLength(64L << 20);
            }

            var psi = new ProcessStartInfo("mkfs.ext4") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { "-q", "-F", "-L", "wanaccel", path })
            {
                psi.ArgumentList.Add(arg);
            }

            using var process = Process.Start(psi)!;
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"mkfs.ext4 failed: {stderr}");
            using var image = File.OpenRead(path);
            var head = new byte[length];
            image.ReadExactly(head);
            return head;
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task Exchange(SslStream tls, byte[] data)
    {
        var write = tls.WriteAsync(data).AsTask();
        var buffer = new byte[data.Length];
        await tls.ReadExactlyAsync(buffer);
        await write;
    }
}
