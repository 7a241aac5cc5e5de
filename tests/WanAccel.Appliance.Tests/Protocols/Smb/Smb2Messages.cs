using System.Buffers.Binary;
using System.Text;
using WanAccel.Appliance.Protocols.Smb;

namespace WanAccel.Appliance.Tests.Protocols.Smb;

/// <summary>
/// Hand-built SMB2 messages as MS-SMB2 lays them out (header 2.2.1, bodies 2.2.3–2.2.22), and Direct TCP frames of one
/// message or a compound chain. Messages are plain byte arrays; <see cref="Related"/>, <see cref="Signed"/> and
/// <see cref="Async"/> set header flags on any of them.
/// </summary>
internal static class Smb2Messages
{
    public const ulong Session = 0x0000_4400_0000_0051;
    public const uint StatusMoreProcessing = 0xC0000016;
    public const uint StatusEndOfFile = 0xC0000011;
    public const uint StatusNotFound = 0xC0000034;

    /// <summary>Offsets of variable data from the header, as Windows and Samba place them.</summary>
    public const int CreateNameOffset = 120;
    public const int ReadDataOffset = 80;
    public const int WriteDataOffset = 112;

    public static byte[] Negotiate(ulong messageId) =>
        Request(Smb2Command.Negotiate, messageId, 0, Body(36, 36, (b, _) => BinaryPrimitives.WriteUInt16LittleEndian(b[2..], 2), [0x10, 0x02, 0x11, 0x03]));

    public static byte[] NegotiateResponse(ulong messageId) =>
        Response(Smb2Command.Negotiate, messageId, Body(64, 65, (b, _) => BinaryPrimitives.WriteUInt16LittleEndian(b[4..], 0x0311), new byte[74]));

    public static byte[] SessionSetup(ulong messageId) => Request(Smb2Command.SessionSetup, messageId, 0, Body(24, 25, null, new byte[40]));

    public static byte[] SessionSetupResponse(ulong messageId, uint status = 0) =>
        Response(Smb2Command.SessionSetup, messageId, Body(8, 9, null, new byte[30]), status);

    public static byte[] TreeConnect(ulong messageId, string path)
    {
        var name = Encoding.Unicode.GetBytes(path);
        return Request(Smb2Command.TreeConnect, messageId, 0, Body(8, 9, (b, _) =>
        {
            BinaryPrimitives.WriteUInt16LittleEndian(b[4..], 72);
            BinaryPrimitives.WriteUInt16LittleEndian(b[6..], (ushort)name.Length);
        }, name));
    }

    public static byte[] TreeConnectResponse(ulong messageId, uint treeId) =>
        Response(Smb2Command.TreeConnect, messageId, Body(16, 16, (b, _) => b[2] = 1), treeId: treeId);

    public static byte[] TreeDisconnect(ulong messageId, uint treeId) => Request(Smb2Command.TreeDisconnect, messageId, treeId, Body(4, 4, null));

    public static byte[] TreeDisconnectResponse(ulong messageId) => Response(Smb2Command.TreeDisconnect, messageId, Body(4, 4, null));

    /// <summary>A CREATE of <paramref name="name"/> followed by <paramref name="contexts"/> bytes of create contexts (skipped).</summary>
    public static byte[] Create(ulong messageId, uint treeId, string name, int contexts = 0)
    {
        var utf16 = Encoding.Unicode.GetBytes(name);
        var buffer = new byte[Math.Max(1, utf16.Length + contexts)];
        utf16.CopyTo(buffer, 0);
        return Request(Smb2Command.Create, messageId, treeId, Body(56, 57, (b, _) =>
        {
            BinaryPrimitives.WriteUInt16LittleEndian(b[44..], CreateNameOffset);
            BinaryPrimitives.WriteUInt16LittleEndian(b[46..], (ushort)utf16.Length);
        }, buffer));
    }

    public static byte[] CreateResponse(ulong messageId, UInt128 fileId) =>
        Response(Smb2Command.Create, messageId, Body(88, 89, (b, _) => BinaryPrimitives.WriteUInt128LittleEndian(b[64..], fileId)));

    public static byte[] Read(ulong messageId, uint treeId, UInt128 fileId, long offset, int length) =>
        Request(Smb2Command.Read, messageId, treeId, Body(48, 49, (b, _) =>
        {
            BinaryPrimitives.WriteUInt32LittleEndian(b[4..], (uint)length);
            BinaryPrimitives.WriteInt64LittleEndian(b[8..], offset);
            BinaryPrimitives.WriteUInt128LittleEndian(b[16..], fileId);
        }, [0]));

    public static byte[] ReadResponse(ulong messageId, ReadOnlySpan<byte> data) =>
        Response(Smb2Command.Read, messageId, Body(16, 17, (b, length) =>
        {
            b[2] = ReadDataOffset;
            BinaryPrimitives.WriteUInt32LittleEndian(b[4..], (uint)length);
        }, data.ToArray()));

    public static byte[] Write(ulong messageId, uint treeId, UInt128 fileId, long offset, ReadOnlySpan<byte> data) =>
        Request(Smb2Command.Write, messageId, treeId, Body(48, 49, (b, length) =>
        {
            BinaryPrimitives.WriteUInt16LittleEndian(b[2..], WriteDataOffset);
            BinaryPrimitives.WriteUInt32LittleEndian(b[4..], (uint)length);
            BinaryPrimitives.WriteInt64LittleEndian(b[8..], offset);
            BinaryPrimitives.WriteUInt128LittleEndian(b[16..], fileId);
        }, data.ToArray()));

    public static byte[] WriteResponse(ulong messageId, int count) =>
        Response(Smb2Command.Write, messageId, Body(16, 17, (b, _) => BinaryPrimitives.WriteUInt32LittleEndian(b[4..], (uint)count)));

    public static byte[] Close(ulong messageId, uint treeId, UInt128 fileId) =>
        Request(Smb2Command.Close, messageId, treeId, Body(24, 24, (b, _) => BinaryPrimitives.WriteUInt128LittleEndian(b[8..], fileId)));

    public static byte[] CloseResponse(ulong messageId) => Response(Smb2Command.Close, messageId, Body(60, 60, null));

    public static byte[] Echo(ulong messageId) => Request(Smb2Command.Echo, messageId, 0, Body(4, 4, null));

    public static byte[] EchoResponse(ulong messageId) => Response(Smb2Command.Echo, messageId, Body(4, 4, null));

    public static byte[] Cancel(ulong messageId) => Request(Smb2Command.Cancel, messageId, 0, Body(4, 4, null));

    /// <summary>An error response (2.2.2) with <paramref name="status"/>; STATUS_PENDING makes it an interim one.</summary>
    public static byte[] Error(Smb2Command command, ulong messageId, uint status) => Response(command, messageId, Body(8, 9, null, [0]), status);

    /// <summary>A server-initiated oplock break notification (MessageId all ones).</summary>
    public static byte[] OplockBreak(UInt128 fileId) =>
        Response(Smb2Command.OplockBreak, ulong.MaxValue, Body(24, 24, (b, _) => BinaryPrimitives.WriteUInt128LittleEndian(b[8..], fileId)));

    /// <summary>Marks a request as related to the one before it in a compound (SMB2_FLAGS_RELATED_OPERATIONS).</summary>
    public static byte[] Related(byte[] message) => SetFlag(message, 0x4);

    /// <summary>Sets SMB2_FLAGS_SIGNED and fills the signature (a passive parser never checks it).</summary>
    public static byte[] Signed(byte[] message)
    {
        message.AsSpan(48, 16).Fill(0xA5);
        return SetFlag(message, 0x8);
    }

    /// <summary>Turns a response's header into an async one (SMB2_FLAGS_ASYNC_COMMAND with an AsyncId).</summary>
    public static byte[] Async(byte[] message, ulong asyncId)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(message.AsSpan(32), asyncId);
        return SetFlag(message, 0x2);
    }

    /// <summary>Sets CreditCharge (a multi-credit request consumes that many MessageIds).</summary>
    public static byte[] Credits(byte[] message, ushort charge)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(6), charge);
        return message;
    }

    /// <summary>One Direct TCP frame: the messages as a compound chain (each but the last padded to 8 bytes, NextCommand set).</summary>
    public static byte[] Frame(params byte[][] messages)
    {
        var length = 0;
        for (var i = 0; i < messages.Length; i++)
        {
            length += i < messages.Length - 1 ? Align8(messages[i].Length) : messages[i].Length;
        }

        var frame = new byte[4 + length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)length);
        var at = 4;
        for (var i = 0; i < messages.Length; i++)
        {
            var size = i < messages.Length - 1 ? Align8(messages[i].Length) : messages[i].Length;
            messages[i].CopyTo(frame, at);
            BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(at + 20), i < messages.Length - 1 ? (uint)size : 0);
            at += size;
        }

        return frame;
    }

    /// <summary>A Direct TCP frame holding any bytes (an SMB1 message, a transform header, garbage).</summary>
    public static byte[] RawFrame(ReadOnlySpan<byte> content)
    {
        var frame = new byte[4 + content.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)content.Length);
        content.CopyTo(frame.AsSpan(4));
        return frame;
    }

    /// <summary>An SMB1 NEGOTIATE (MS-CIFS 2.2.4.52.1) offering "NT LM 0.12", "SMB 2.002" and "SMB 2.???".</summary>
    public static byte[] Smb1Negotiate(byte command = 0x72)
    {
        var dialects = Encoding.ASCII.GetBytes("\u0002NT LM 0.12\0\u0002SMB 2.002\0\u0002SMB 2.???\0");
        var message = new byte[32 + 3 + dialects.Length];
        message[0] = 0xFF;
        "SMB"u8.CopyTo(message.AsSpan(1));
        message[4] = command;
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(33), (ushort)dialects.Length);
        dialects.CopyTo(message, 35);
        return RawFrame(message);
    }

    /// <summary>A frame holding an SMB3 transform header (2.2.41) and some ciphertext.</summary>
    public static byte[] Transform(int ciphertext)
    {
        var message = new byte[52 + ciphertext];
        BinaryPrimitives.WriteUInt32LittleEndian(message, SmbProtocolId.Transform);
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(36), (uint)ciphertext);
        BinaryPrimitives.WriteUInt64LittleEndian(message.AsSpan(44), Session);
        message.AsSpan(52).Fill(0x3C);
        return RawFrame(message);
    }

    /// <summary>A frame holding a compression transform header (2.2.42).</summary>
    public static byte[] Compressed(int payload)
    {
        var message = new byte[16 + payload];
        BinaryPrimitives.WriteUInt32LittleEndian(message, SmbProtocolId.Compressed);
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(4), (uint)payload);
        return RawFrame(message);
    }

    /// <summary>Overwrites a little-endian field of <paramref name="size"/> bytes (1 to 4) at <paramref name="offset"/>.</summary>
    public static byte[] Patch(byte[] bytes, int offset, int size, uint value)
    {
        Span<byte> le = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(le, value);
        le[..size].CopyTo(bytes.AsSpan(offset));
        return bytes;
    }

    public static byte[] Request(Smb2Command command, ulong messageId, uint treeId, byte[] body) =>
        Message(command, messageId, body, flags: 0, status: 0, treeId: treeId);

    public static byte[] Response(Smb2Command command, ulong messageId, byte[] body, uint status = 0, uint treeId = 0) =>
        Message(command, messageId, body, flags: 0x1, status, treeId);

    private static byte[] Message(Smb2Command command, ulong messageId, byte[] body, uint flags, uint status, uint treeId)
    {
        var message = new byte[64 + body.Length];
        var h = message.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(h, SmbProtocolId.Smb2);
        BinaryPrimitives.WriteUInt16LittleEndian(h[4..], 64);
        BinaryPrimitives.WriteUInt16LittleEndian(h[6..], 1);
        BinaryPrimitives.WriteUInt32LittleEndian(h[8..], status);
        BinaryPrimitives.WriteUInt16LittleEndian(h[12..], (ushort)command);
        BinaryPrimitives.WriteUInt16LittleEndian(h[14..], 1);
        BinaryPrimitives.WriteUInt32LittleEndian(h[16..], flags);
        BinaryPrimitives.WriteUInt64LittleEndian(h[24..], messageId);
        BinaryPrimitives.WriteUInt32LittleEndian(h[32..], 0xFEFF);
        BinaryPrimitives.WriteUInt32LittleEndian(h[36..], treeId);
        BinaryPrimitives.WriteUInt64LittleEndian(h[40..], Session);
        body.CopyTo(message, 64);
        return message;
    }

    /// <summary>A body: <paramref name="fixedLength"/> bytes starting with StructureSize, then <paramref name="buffer"/>.</summary>
    private static byte[] Body(int fixedLength, ushort structureSize, BodyFields? fields, byte[]? buffer = null)
    {
        buffer ??= [];
        var body = new byte[fixedLength + buffer.Length];
        BinaryPrimitives.WriteUInt16LittleEndian(body, structureSize);
        fields?.Invoke(body, buffer.Length);
        buffer.CopyTo(body, fixedLength);
        return body;
    }

    private static byte[] SetFlag(byte[] message, uint flag)
    {
        var flags = BinaryPrimitives.ReadUInt32LittleEndian(message.AsSpan(16));
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(16), flags | flag);
        return message;
    }

    private static int Align8(int length) => (length + 7) & ~7;

    private delegate void BodyFields(Span<byte> body, int bufferLength);
}
