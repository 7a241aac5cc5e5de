using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace WanAccel.Cli.Wan;

/// <summary>The client side of a copy: connects, reads to the end while hashing, reports progress.</summary>
internal static class FileDownload
{
    public static async Task<(TimeSpan Elapsed, long Bytes, byte[] Sha256)> RunAsync(IPEndPoint from, Action<long>? progress, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(from, cancellationToken).ConfigureAwait(false);
        socket.Shutdown(SocketShutdown.Send);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            long total = 0;
            while (true)
            {
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    return (Stopwatch.GetElapsedTime(started), total, hash.GetHashAndReset());
                }

                hash.AppendData(buffer, 0, n);
                total += n;
                progress?.Invoke(total);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
