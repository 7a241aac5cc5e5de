using System.Buffers;
using System.Text;

namespace WanAccel.Appliance.FileTransfer.Protocol;

/// <summary>
/// What <c>wanaccel cp</c> sends first on the local appliance's file-transfer port: <c>"WACP" · version u8 (= 1) ·
/// peer length u8 · peer (UTF-8)</c>, the peer being a configured peer name or the <c>host:port</c> of its endpoint.
/// Everything after it is the file-transfer protocol, carried to that peer's file service.
/// </summary>
public static class ClientHello
{
    public const byte CurrentVersion = 1;
    private static ReadOnlySpan<byte> Magic => "WACP"u8;

    public static byte[] ToBytes(string peer)
    {
        var name = Encoding.UTF8.GetBytes(peer);
        if (name.Length > 255)
        {
            throw new ArgumentException("peer name longer than 255 bytes", nameof(peer));
        }

        return [.. Magic, CurrentVersion, (byte)name.Length, .. name];
    }

    /// <summary>
    /// Tries to parse a hello at the start of <paramref name="buffer"/>: true with the peer and the bytes it took, false
    /// when more bytes are needed; throws <see cref="FileTransferException"/> when it is not a valid hello.
    /// </summary>
    public static bool TryParse(ReadOnlySequence<byte> buffer, out string peer, out long consumed)
    {
        (peer, consumed) = ("", 0);
        if (buffer.Length < 6)
        {
            return false;
        }

        Span<byte> head = stackalloc byte[6];
        buffer.Slice(0, 6).CopyTo(head);
        if (!head[..4].SequenceEqual(Magic) || head[4] != CurrentVersion)
        {
            throw new FileTransferException(TransferStatus.ProtocolError, "not a wanaccel cp client (or a different version)");
        }

        if (buffer.Length < 6 + head[5])
        {
            return false;
        }

        try
        {
            peer = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer.Slice(6, head[5]).ToArray());
        }
        catch (DecoderFallbackException)
        {
            throw new FileTransferException(TransferStatus.ProtocolError, "peer name is not UTF-8");
        }

        consumed = 6 + head[5];
        return true;
    }
}
