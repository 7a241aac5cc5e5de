using System.Diagnostics;
using System.Security.Cryptography;

namespace WanAccel.Cli.Peers;

/// <summary>
/// The client side of a copy made by a real program (curl, smbclient, nfs-cp) into a file: runs it (timed), follows
/// the file's growth for progress, then hashes and deletes the file.
/// </summary>
internal static class ClientDownload
{
    public static async Task<(TimeSpan Elapsed, long Bytes, byte[] Sha256)> RunAsync(
        string program, IEnumerable<string> arguments, string outputFile, Action<long>? progress, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await using (var client = ExternalProgram.Start(program, arguments))
        {
            var exited = client.WaitForSuccessAsync(cancellationToken);
            while (await Task.WhenAny(exited, Task.Delay(200, cancellationToken)).ConfigureAwait(false) != exited)
            {
                progress?.Invoke(File.Exists(outputFile) ? new FileInfo(outputFile).Length : 0);
            }

            await exited.ConfigureAwait(false);
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        try
        {
            await using var file = new FileStream(outputFile, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
            var length = file.Length;
            progress?.Invoke(length);
            return (elapsed, length, await SHA256.HashDataAsync(file, cancellationToken).ConfigureAwait(false));
        }
        finally
        {
            File.Delete(outputFile);
        }
    }
}
