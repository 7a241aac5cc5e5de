using System.Buffers;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;
using WanAccel.Appliance.FileTransfer.Protocol;

namespace WanAccel.Appliance.FileTransfer;

/// <summary>
/// Receives one file into <c>.NAME.wanaccel-part</c> beside the target: DATA is written (all-zero data left as a hole),
/// HOLE leaves a hole, COPY takes the block from the basis (the partial file itself when resuming, else the existing
/// target). At END the SHA-256 of what was written must equal the sender's; then the file is fsynced and renamed over the
/// target. On any other failure the partial file stays for a resume; on a hash mismatch it is deleted.
/// </summary>
public sealed class FileReceiver : IDisposable
{
    private readonly string _target;
    private readonly string _partial;
    private readonly SafeFileHandle _file;
    private readonly SafeFileHandle? _basisFile;
    private readonly long _oldLength;
    private bool _touched;
    private bool _done;

    private FileReceiver(string target, string partial, SafeFileHandle file, SafeFileHandle? basisFile, long oldLength, BasisIndex basis, long basisBytesRead, bool resumed)
    {
        _target = target;
        _partial = partial;
        _file = file;
        _basisFile = basisFile;
        _oldLength = oldLength;
        Basis = basis;
        BasisBytesRead = basisBytesRead;
        Resumed = resumed;
    }

    /// <summary>What the sender may COPY instead of sending.</summary>
    public BasisIndex Basis { get; }

    /// <summary>Bytes read to hash the basis.</summary>
    public long BasisBytesRead { get; }

    /// <summary>True when a partial file of an earlier copy is the basis.</summary>
    public bool Resumed { get; }

    public static string PartialPath(string target) =>
        Path.Combine(Path.GetDirectoryName(target) ?? ".", $".{Path.GetFileName(target)}.wanaccel-part");

    /// <summary>
    /// Prepares to receive <paramref name="target"/>: with <paramref name="resume"/> a partial file of an earlier copy is
    /// the basis (and written in place), else any partial is discarded and an existing target is the basis. Without
    /// <paramref name="basis"/> nothing is (a write-only export must not tell a peer what its files hold, even as hashes).
    /// </summary>
    public static FileReceiver Open(string target, bool resume, CancellationToken cancellationToken, bool basis = true)
    {
        resume &= basis;
        if (Directory.Exists(target))
        {
            throw new FileTransferException(TransferStatus.WrongType, $"{target} is a directory");
        }

        var directory = Path.GetDirectoryName(target);
        if (directory is not null && directory.Length > 0 && !Directory.Exists(directory))
        {
            throw new FileTransferException(TransferStatus.NotFound, $"directory {directory} does not exist");
        }

        var partial = PartialPath(target);
        try
        {
            if (resume && File.Exists(partial))
            {
                var index = BasisIndex.Compute(partial, cancellationToken, out var read).AsPartial();
                var file = File.OpenHandle(partial, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
                return new FileReceiver(target, partial, file, null, index.Length, index, read, resumed: true);
            }

            File.Delete(partial);
            long bytes = 0;
            var useTarget = basis && File.Exists(target);
            var existing = useTarget ? BasisIndex.Compute(target, cancellationToken, out bytes) : BasisIndex.Empty;
            var basisFile = useTarget ? File.OpenHandle(target, FileMode.Open, FileAccess.Read, FileShare.ReadWrite) : null;
            var created = File.OpenHandle(partial, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
            return new FileReceiver(target, partial, created, basisFile, 0, existing, bytes, resumed: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FileTransferException(TransferStatus.IoError, $"{target}: {e.Message}", e);
        }
    }

    /// <summary>Reads records up to END, verifies and renames the file into place.</summary>
    public async Task<ReceivedFile> ReceiveAsync(RecordReader reader, FileSender.Progress? progress, CancellationToken cancellationToken)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(ProtocolLimits.BlockSize);
        long position = 0;
        try
        {
            while (true)
            {
                var type = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                _touched = true;
                switch (type)
                {
                    case RecordType.Data:
                        var n = (int)reader.Payload.Length;
                        CheckRange(position, n);
                        reader.Payload.CopyTo(buffer);
                        reader.Release();
                        WriteBlock(buffer.AsSpan(0, n), position, sha);
                        position += n;
                        break;
                    case RecordType.Hole:
                        var hole = ReadLength(reader);
                        CheckRange(position, hole);
                        FileSender.AppendZeros(sha, hole);
                        Clear(position, hole);
                        position += hole;
                        break;
                    case RecordType.Copy:
                        var copy = ReadLength(reader);
                        CheckRange(position, copy);
                        if (position + copy > Basis.Length)
                        {
                            throw new FileTransferException(TransferStatus.ProtocolError, $"COPY of [{position}, {position + copy}) beyond the basis of {Basis.Length} bytes");
                        }

                        CopyFromBasis(position, copy, buffer, sha);
                        position += copy;
                        break;
                    case RecordType.End:
                        var end = EndRecord.Parse(reader.Payload);
                        reader.Release();
                        return Commit(end, position, sha.GetHashAndReset());
                    default:
                        throw reader.Unexpected(type, "DATA, HOLE, COPY or END");
                }

                progress?.Invoke(position);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FileTransferException(TransferStatus.IoError, $"{_target}: {e.Message}", e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Closes the files; a partial file that never received anything is removed (nothing to resume from).</summary>
    public void Dispose()
    {
        _file.Dispose();
        _basisFile?.Dispose();
        if (!_done && !_touched && !Resumed)
        {
            File.Delete(_partial);
        }
    }

    private ReceivedFile Commit(EndRecord end, long position, byte[] sha)
    {
        if (end.Length != position)
        {
            throw new FileTransferException(TransferStatus.ProtocolError, $"END announces {end.Length} bytes after {position} were received");
        }

        RandomAccess.SetLength(_file, position);
        if (!CryptographicOperations.FixedTimeEquals(sha, end.Sha256))
        {
            _file.Dispose();
            File.Delete(_partial);
            _done = true;
            throw new FileTransferException(TransferStatus.VerificationFailed,
                $"{_target}: SHA-256 of the received file {Convert.ToHexStringLower(sha)} differs from the sender's {Convert.ToHexStringLower(end.Sha256)}; nothing was replaced");
        }

        RandomAccess.FlushToDisk(_file);
        _file.Dispose();
        _basisFile?.Dispose();
        File.Move(_partial, _target, overwrite: true);
        _done = true;
        return new ReceivedFile(_target, position, sha, end.Figures, BasisBytesRead, Resumed);
    }

    private void WriteBlock(ReadOnlySpan<byte> data, long position, IncrementalHash sha)
    {
        sha.AppendData(data);
        if (data.ContainsAnyExcept((byte)0))
        {
            RandomAccess.Write(_file, data, position);
        }
        else
        {
            Clear(position, data.Length);
        }
    }

    /// <summary>Makes [position, position+length) read as zeros: nothing to do past the old end of the file (a hole), else punch.</summary>
    private void Clear(long position, long length)
    {
        var end = Math.Min(position + length, _oldLength);
        if (end <= position)
        {
            return;
        }

        if (!NativeFile.PunchHole(_file, position, end - position))
        {
            for (var at = position; at < end; at += ProtocolLimits.BlockSize)
            {
                RandomAccess.Write(_file, FileSender.Zeros.AsSpan(0, (int)Math.Min(ProtocolLimits.BlockSize, end - at)), at);
            }
        }
    }

    private void CopyFromBasis(long position, long length, byte[] buffer, IncrementalHash sha)
    {
        var source = _basisFile ?? _file;
        for (var at = position; at < position + length; at += ProtocolLimits.BlockSize)
        {
            var span = buffer.AsSpan(0, (int)Math.Min(ProtocolLimits.BlockSize, position + length - at));
            var read = RandomAccess.Read(source, span, at);
            if (read < span.Length)
            {
                throw new FileTransferException(TransferStatus.IoError, $"{_target}: the basis file shrank during the copy");
            }

            if (_basisFile is null)
            {
                sha.AppendData(span); // resuming in place: the block is already where it belongs
            }
            else
            {
                WriteBlock(span, at, sha);
            }
        }
    }

    private static long ReadLength(RecordReader reader)
    {
        Span<byte> bytes = stackalloc byte[8];
        if (reader.Payload.Length != 8)
        {
            throw new FileTransferException(TransferStatus.ProtocolError, "HOLE/COPY record without its length");
        }

        reader.Payload.CopyTo(bytes);
        reader.Release();
        var value = System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(bytes);
        return value is > 0 and <= ProtocolLimits.MaxFileSize ? value : throw new FileTransferException(TransferStatus.ProtocolError, $"length {value} out of range");
    }

    private static void CheckRange(long position, long length)
    {
        if (position + length > ProtocolLimits.MaxFileSize)
        {
            throw new FileTransferException(TransferStatus.ProtocolError, $"the file grows past {ProtocolLimits.MaxFileSize} bytes");
        }
    }
}
