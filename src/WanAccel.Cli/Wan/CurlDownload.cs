using System.Buffers;
using System.Diagnostics;
using System.Security.Cryptography;

namespace WanAccel.Cli.Wan;

/// <summary>The client of an HTTP copy: the real <c>curl</c>, whose output is read and hashed as it arrives.</summary>
internal static class CurlDownload
{
    public static async Task<(TimeSpan Elapsed, long Bytes, byte[] Sha256)> RunAsync(Uri url, Action<long>? progress, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(RequiredProgram.Find("curl", "curl")) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])["-sS", "--fail", "-o", "-", url.ToString()])
        {
            start.ArgumentList.Add(argument);
        }

        var started = Stopwatch.GetTimestamp();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start curl");
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        long total = 0;
        try
        {
            var output = process.StandardOutput.BaseStream;
            int n;
            while ((n = await output.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                hash.AppendData(buffer, 0, n);
                total += n;
                progress?.Invoke(total);
            }

            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return process.ExitCode == 0
            ? (Stopwatch.GetElapsedTime(started), total, hash.GetHashAndReset())
            : throw new IOException($"curl {url} exited {process.ExitCode}: {(await error.ConfigureAwait(false)).Trim()}");
    }
}
