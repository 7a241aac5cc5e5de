using System.Buffers.Binary;

namespace WanAccel.Core.Classification;

/// <summary>Signatures at the start of a stream: encrypted protocols, compressed formats, and protocols never passed through.</summary>
public static partial class StreamClassifier
{
    private static ReadOnlySpan<byte> SshBanner => "SSH-"u8;

    private static ReadOnlySpan<byte> Smb => "SMB"u8;

    private static ReadOnlySpan<byte> Gzip => [0x1F, 0x8B, 0x08];

    private static ReadOnlySpan<byte> Zstd => [0x28, 0xB5, 0x2F, 0xFD];

    private static ReadOnlySpan<byte> Xz => [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00];

    private static ReadOnlySpan<byte> Zip => [0x50, 0x4B, 0x03, 0x04];

    private static ReadOnlySpan<byte> SevenZip => [0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C];

    private static ReadOnlySpan<byte> Lz4Frame => [0x04, 0x22, 0x4D, 0x18];

    private static ReadOnlySpan<byte> Rar => [0x52, 0x61, 0x72, 0x21, 0x1A, 0x07];

    private static ReadOnlySpan<byte> Png => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static ReadOnlySpan<byte> Jpeg => [0xFF, 0xD8, 0xFF];

    private static ReadOnlySpan<byte> Matroska => [0x1A, 0x45, 0xDF, 0xA3];

    /// <summary>A class when a signature matches <paramref name="head"/>, else <see cref="StreamClass.Undecided"/>.</summary>
    private static StreamClass MatchSignature(ReadOnlySpan<byte> head)
    {
        if (IsTlsRecord(head))
        {
            return StreamClass.Tls;
        }

        if (head.StartsWith(SshBanner))
        {
            return StreamClass.Ssh;
        }

        if (IsCompressedFormat(head))
        {
            return StreamClass.Compressed;
        }

        return IsSmb(head) || IsOncRpc(head) || IsTextLine(head) ? StreamClass.Dedupable : StreamClass.Undecided;
    }

    /// <summary>
    /// A TLS record header (RFC 8446 §5.1): handshake (22), alert (21) or application data (23); legacy version
    /// 3.0–3.4 (1.3 hellos say 3.1); a length of at most 2^14 + 2048 (the TLSCiphertext limit).
    /// </summary>
    private static bool IsTlsRecord(ReadOnlySpan<byte> h) =>
        h.Length >= 5
        && h[0] is 0x15 or 0x16 or 0x17
        && h[1] == 0x03
        && h[2] <= 0x04
        && BinaryPrimitives.ReadUInt16BigEndian(h[3..]) is >= 1 and <= (1 << 14) + 2048;

    /// <summary>
    /// Magic numbers of formats whose content is already compressed: archives and compressors (gzip, zstd, xz, bzip2, zip
    /// and its offspring docx/jar/apk, 7z, LZ4 frame, rar) and media (PNG, JPEG, ISO-BMFF mp4/mov/heic, Matroska/WebM, Ogg).
    /// </summary>
    private static bool IsCompressedFormat(ReadOnlySpan<byte> h) =>
        h.StartsWith(Gzip) || h.StartsWith(Zstd) || h.StartsWith(Xz) || IsBzip2(h) || h.StartsWith(Zip) || h.StartsWith(SevenZip)
        || h.StartsWith(Lz4Frame) || h.StartsWith(Rar) || h.StartsWith(Png) || h.StartsWith(Jpeg)
        || (h.Length >= 8 && h[4..8].SequenceEqual("ftyp"u8)) || h.StartsWith(Matroska) || h.StartsWith("OggS"u8);

    /// <summary>"BZh" and a block size digit, then the first block's magic (the BCD digits of pi): "BZh9" alone could be text.</summary>
    private static bool IsBzip2(ReadOnlySpan<byte> h) =>
        h.Length >= 10 && h.StartsWith("BZh"u8) && h[3] is >= (byte)'1' and <= (byte)'9' && h[4..10].SequenceEqual("1AY&SY"u8);

    /// <summary>An SMB message over TCP (MS-SMB2 §2.1): a 4-byte length with a zero first byte, then 0xFC..0xFF "SMB".</summary>
    private static bool IsSmb(ReadOnlySpan<byte> h) =>
        h.Length >= 8 && h[0] == 0 && h[4] >= 0xFC && h[5..8].SequenceEqual(Smb);

    /// <summary>
    /// An ONC RPC message with record marking (RFC 5531 §11), as NFS and other RPC services send: last-fragment bit and a
    /// length, xid, then CALL with rpcvers 2, or REPLY with a reply_stat of 0 or 1.
    /// </summary>
    private static bool IsOncRpc(ReadOnlySpan<byte> h)
    {
        if (h.Length < 16 || (h[0] & 0x80) == 0)
        {
            return false;
        }

        var fragment = BinaryPrimitives.ReadUInt32BigEndian(h) & 0x7FFF_FFFF;
        var type = BinaryPrimitives.ReadUInt32BigEndian(h[8..]);
        var next = BinaryPrimitives.ReadUInt32BigEndian(h[12..]);
        return fragment >= 12 && ((type == 0 && next == 2) || (type == 1 && next <= 1));
    }

    /// <summary>
    /// A first line of printable ASCII of 3–256 bytes ending in LF: HTTP, SMTP, FTP, IMAP, rsync's "@RSYNCD:", Redis and
    /// the like. Their payloads follow headers, and one connection can carry many of them, so they are never passed through.
    /// </summary>
    private static bool IsTextLine(ReadOnlySpan<byte> h)
    {
        var line = h[..Math.Min(h.Length, 257)];
        for (var i = 0; i < line.Length; i++)
        {
            var b = line[i];
            if (b == (byte)'\n')
            {
                return i >= 3;
            }

            if (b is not ((>= 0x20 and <= 0x7E) or (byte)'\t' or (byte)'\r'))
            {
                return false;
            }
        }

        return false;
    }
}
