using System.Buffers.Binary;
using WanAccel.Appliance.Protocols.Nfs;

namespace WanAccel.Appliance.Tests.Protocols.Nfs;

/// <summary>Hand-built ONC-RPC records (RFC 5531) of NFSv3 and MOUNT v3 (RFC 1813) calls and replies.</summary>
internal static class RpcMessages
{
    public const uint Nfs = 100003;
    public const uint Mount = 100005;

    /// <summary>A CALL message: AUTH_SYS credential (uid 0, machine "client") or another flavor with an opaque body.</summary>
    public static XdrWriter Call(uint xid, uint program, uint procedure, uint credentialFlavor = 1, int credentialBytes = 0)
    {
        var w = new XdrWriter().UInt32(xid).UInt32(0).UInt32(2).UInt32(program).UInt32(3).UInt32(procedure);
        if (credentialFlavor == 1)
        {
            var cred = new XdrWriter().UInt32(1234).String("client").UInt32(0).UInt32(0).UInt32(1).UInt32(0).ToArray();
            w.UInt32(1).Opaque(cred);
        }
        else
        {
            w.UInt32(credentialFlavor).Opaque(new byte[credentialBytes]);
        }

        return w.UInt32(0).Opaque([]);
    }

    /// <summary>An accepted REPLY with SUCCESS and an AUTH_NONE verifier; results follow.</summary>
    public static XdrWriter Reply(uint xid) => new XdrWriter().UInt32(xid).UInt32(1).UInt32(0).UInt32(0).Opaque([]).UInt32(0);

    public static byte[] Handle(byte tag) => [.. Enumerable.Range(0, 28).Select(i => (byte)(tag + i))];

    public static UInt128 Key(byte[] handle) => NfsFileHandle.Key(handle);

    /// <summary>The message as one record, in fragments of the given sizes (the rest in the last one).</summary>
    public static byte[] Record(XdrWriter message, params int[] fragments) => Record(message.ToArray(), fragments);

    public static byte[] Record(byte[] message, params int[] fragments)
    {
        var output = new MemoryStream();
        var at = 0;
        Span<byte> mark = stackalloc byte[4];
        foreach (var size in fragments.Append(int.MaxValue))
        {
            var n = Math.Min(size, message.Length - at);
            var last = at + n == message.Length;
            BinaryPrimitives.WriteUInt32BigEndian(mark, (uint)n | (last ? 0x8000_0000u : 0));
            output.Write(mark);
            output.Write(message, at, n);
            at += n;
            if (last)
            {
                break;
            }
        }

        return output.ToArray();
    }

    public static byte[] ReadCall(uint xid, byte[] file, ulong offset, uint count) =>
        Record(Call(xid, RpcMessages.Nfs, 6).Opaque(file).UInt64(offset).UInt32(count));

    /// <summary>A READ reply carrying <paramref name="data"/>, split into the given fragments.</summary>
    public static byte[] ReadReply(uint xid, byte[] data, bool eof, ulong size, params int[] fragments) =>
        Record(Reply(xid).UInt32(0).Attributes(size).UInt32((uint)data.Length).UInt32(eof ? 1u : 0).Opaque(data), fragments);

    public static byte[] WriteCall(uint xid, byte[] file, ulong offset, byte[] data, params int[] fragments) =>
        Record(Call(xid, RpcMessages.Nfs, 7).Opaque(file).UInt64(offset).UInt32((uint)data.Length).UInt32(2).Opaque(data), fragments);

    public static byte[] DirOpCall(uint xid, uint procedure, byte[] directory, string name)
    {
        var call = Call(xid, RpcMessages.Nfs, procedure).Opaque(directory).String(name);
        return Record(procedure == 8 ? call.UInt32(0).UInt32(0).UInt32(0).UInt32(0).UInt32(0).UInt32(0).UInt32(0) : call);
    }

    public static byte[] LookupReply(uint xid, byte[] handle) =>
        Record(Reply(xid).UInt32(0).Opaque(handle).Attributes(10).UInt32(0));

    public static byte[] CreateReply(uint xid, byte[] handle) =>
        Record(Reply(xid).UInt32(0).UInt32(1).Opaque(handle).Attributes(0).UInt32(0).UInt32(0));

    public static byte[] CommitCall(uint xid, byte[] file) => Record(Call(xid, RpcMessages.Nfs, 21).Opaque(file).UInt64(0).UInt32(0));

    public static byte[] CommitReply(uint xid) => Record(Reply(xid).UInt32(0).UInt32(0).UInt32(0).UInt64(77));

    public static byte[] MountCall(uint xid, string path) => Record(Call(xid, Mount, 1).String(path));

    public static byte[] MountReply(uint xid, byte[] root) => Record(Reply(xid).UInt32(0).Opaque(root).UInt32(1).UInt32(1));
}
