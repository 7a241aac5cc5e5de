using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace WanAccel.Appliance.Tests.WanEmulation;

internal static class SocketTestExtensions
{
    public static byte[] RandomBytes(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    public static async Task<Socket> ConnectAsync(IPEndPoint endPoint, CancellationToken cancellationToken)
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await s.ConnectAsync(endPoint, cancellationToken);
        return s;
    }

    public static async Task SendAllAsync(this Socket socket, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        // Odd-sized writes so segment and chunk boundaries fall everywhere.
        var random = new Random(data.Length);
        while (!data.IsEmpty)
        {
            var n = Math.Min(data.Length, random.Next(1, 40_000));
            var sent = await socket.SendAsync(data[..n], SocketFlags.None, cancellationToken);
            data = data[sent..];
        }
    }

    /// <summary>Reads until EOF; returns the SHA-256 and the byte count.</summary>
    public static async Task<(byte[] Hash, long Length)> ReadToEndHashAsync(this Socket socket, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[32 * 1024];
        long total = 0;
        while (true)
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
            if (n == 0)
            {
                return (hash.GetHashAndReset(), total);
            }

            hash.AppendData(buffer, 0, n);
            total += n;
        }
    }

    public static async Task<byte[]> ReadExactlyAsync(this Socket socket, int count, CancellationToken cancellationToken)
    {
        var buffer = new byte[count];
        var read = 0;
        while (read < count)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, cancellationToken);
            if (n == 0)
            {
                throw new EndOfStreamException($"EOF after {read} of {count} bytes");
            }

            read += n;
        }

        return buffer;
    }
}
