using System.Buffers.Binary;
using System.Net.Sockets;
using System.Security.Cryptography;
using WanAccel.Appliance.Protocols.Rpc;

namespace WanAccel.Appliance.Protocols.Nfs.ReadAhead;

/// <summary>
/// The core's own TCP connection to the NFS server for read-ahead: sends READ calls with its own XIDs and the client's
/// credential, and hands each reply message (defragmented, at most <see cref="Annotation.MaxBytes"/>) to its owner.
/// Opened on first use; any failure ends it for good (read-ahead just stops, the client's own calls are unaffected).
/// </summary>
internal sealed class ReadAheadConnection(Func<CancellationToken, Task<Socket>> connect, Func<uint, byte[], Task> onReply) : IAsyncDisposable
{
    private readonly SemaphoreSlim _send = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private uint _nextXid = (uint)RandomNumberGenerator.GetInt32(int.MaxValue);
    private Socket? _socket;
    private Task? _receiving;
    private int _disposed;

    public bool Failed { get; private set; }

    /// <summary>Sends READ(handle, offset, count) as the client would; returns the XID used, or null when the connection failed.</summary>
    public async Task<uint?> ReadAsync(byte[] credential, byte[] handle, ulong offset, uint count)
    {
        await _send.WaitAsync().ConfigureAwait(false);
        try
        {
            if (Failed)
            {
                return null;
            }

            if (_socket is null)
            {
                _socket = await connect(_stop.Token).ConfigureAwait(false);
                _socket.NoDelay = true;
                _receiving = ReceiveAsync(_socket);
            }

            var xid = _nextXid++;
            var call = new byte[RecordMark.Length + 24 + credential.Length + 8 + 4 + XdrReader.Padded(handle.Length) + 12];
            var at = RecordMark.Length;
            foreach (var word in (ReadOnlySpan<uint>)[xid, (uint)RpcMessageType.Call, 2, NfsProgram.Nfs, NfsProgram.Version3, (uint)NfsProcedure.Read])
            {
                BinaryPrimitives.WriteUInt32BigEndian(call.AsSpan(at), word);
                at += 4;
            }

            credential.CopyTo(call, at);
            at += credential.Length + 8; // verifier: AUTH_NONE, empty
            BinaryPrimitives.WriteUInt32BigEndian(call.AsSpan(at), (uint)handle.Length);
            handle.CopyTo(call, at + 4);
            at += 4 + XdrReader.Padded(handle.Length);
            BinaryPrimitives.WriteUInt64BigEndian(call.AsSpan(at), offset);
            BinaryPrimitives.WriteUInt32BigEndian(call.AsSpan(at + 8), count);
            RecordMark.WriteSingle(call, call.Length - RecordMark.Length);
            await _socket.SendAsync(call, SocketFlags.None, _stop.Token).ConfigureAwait(false);
            return xid;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException or UnauthorizedAccessException)
        {
            Failed = true;
            return null;
        }
        finally
        {
            _send.Release();
        }
    }

    /// <summary>Closes the connection (idempotent).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        _socket?.Dispose();
        if (_receiving is not null)
        {
            await _receiving.ConfigureAwait(false); // never faults: ReceiveAsync catches everything
        }

    }

    private async Task ReceiveAsync(Socket socket)
    {
        var mark = new byte[RecordMark.Length];
        try
        {
            while (true)
            {
                using var message = new MemoryStream();
                bool last;
                do
                {
                    await ReceiveExactlyAsync(socket, mark, 0).ConfigureAwait(false);
                    (last, var length) = RecordMark.Decode(mark);
                    if (message.Length + length > Annotation.MaxBytes)
                    {
                        throw new InvalidDataException("a read-ahead reply is longer than any READ reply");
                    }

                    var fragment = new byte[length];
                    await ReceiveExactlyAsync(socket, fragment, 0).ConfigureAwait(false);
                    message.Write(fragment);
                }
                while (!last);

                var bytes = message.ToArray();
                if (bytes.Length >= 4)
                {
                    await onReply(BinaryPrimitives.ReadUInt32BigEndian(bytes), bytes).ConfigureAwait(false);
                }
            }
        }
        catch (Exception)
        {
            // Whatever ended it (the server, the flow aborted, a reply it could not inject), read-ahead just stops here.
            Failed = true;
        }
    }

    private async Task ReceiveExactlyAsync(Socket socket, byte[] buffer, int at)
    {
        while (at < buffer.Length)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(at), SocketFlags.None, _stop.Token).ConfigureAwait(false);
            if (n == 0)
            {
                throw new EndOfStreamException();
            }

            at += n;
        }
    }
}
