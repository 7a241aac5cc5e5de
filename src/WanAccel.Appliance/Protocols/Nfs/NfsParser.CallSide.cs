using WanAccel.Appliance.Protocols.Rpc;

namespace WanAccel.Appliance.Protocols.Nfs;

internal sealed partial class NfsParser
{
    /// <summary>The client's direction: CALLs. Remembers what replies will need and reports WRITE payloads.</summary>
    private sealed class CallSide(NfsParser parser) : IRpcMessageHandler
    {
        private UInt128 _writeFile;
        private ulong _writeOffset;

        public MessageVerdict OnMessage(ReadOnlySpan<byte> header, bool complete, out (int Offset, int Length) payload, out string? stopReason)
        {
            payload = default;
            var reader = new XdrReader(header);
            if (!RpcCallHeader.TryRead(ref reader, out var call))
            {
                return Unreadable(reader, parser._calls, "call", out stopReason);
            }

            stopReason = null;
            var verdict = (call.Program, call.Version) switch
            {
                (NfsProgram.Nfs, NfsProgram.Version3) => Nfs(ref reader, call, out payload),
                (NfsProgram.Mount, NfsProgram.Version3) when call.Procedure == NfsProgram.MountMnt => Mount(ref reader, call),
                _ => MessageVerdict.Skip,
            };
            return verdict == MessageVerdict.NeedMore && reader.Malformed ? MessageVerdict.Skip : verdict;
        }

        public void OnPayload(long streamOffset, int payloadOffset, int length) =>
            parser._events.FileData(_writeFile, FileDataKind.Write, StreamDirection.ToServer, streamOffset, (long)_writeOffset + payloadOffset, length);

        private MessageVerdict Nfs(ref XdrReader reader, RpcCallHeader call, out (int Offset, int Length) payload)
        {
            payload = default;
            switch ((NfsProcedure)call.Procedure)
            {
                case NfsProcedure.Read:
                    if (!Read3Args.TryRead(ref reader, out var read))
                    {
                        return MessageVerdict.NeedMore;
                    }

                    parser._pending.Add(call.Xid, new PendingCall(PendingCallKind.Read, NfsFileHandle.Key(read.File), read.Offset, null));
                    return MessageVerdict.Parsed;
                case NfsProcedure.Write:
                    if (!Write3Args.TryRead(ref reader, out var write))
                    {
                        return MessageVerdict.NeedMore;
                    }

                    (_writeFile, _writeOffset, payload) = (NfsFileHandle.Key(write.File), write.Offset, (reader.Position, write.DataLength));
                    return MessageVerdict.Parsed;
                case NfsProcedure.Lookup or NfsProcedure.Create:
                    if (!DirOpArgs3.TryRead(ref reader, out var dirOp))
                    {
                        return MessageVerdict.NeedMore;
                    }

                    var kind = call.Procedure == (uint)NfsProcedure.Lookup ? PendingCallKind.Lookup : PendingCallKind.Create;
                    var name = parser._names.Child(NfsFileHandle.Key(dirOp.Directory), Text(dirOp.Name));
                    parser._pending.Add(call.Xid, new PendingCall(kind, default, 0, name));
                    return MessageVerdict.Parsed;
                case NfsProcedure.Commit:
                    if (!NfsFileHandle.TryRead(ref reader, out var file))
                    {
                        return MessageVerdict.NeedMore;
                    }

                    parser._pending.Add(call.Xid, new PendingCall(PendingCallKind.Commit, NfsFileHandle.Key(file), 0, null));
                    return MessageVerdict.Parsed;
                default:
                    return MessageVerdict.Skip;
            }
        }

        private MessageVerdict Mount(ref XdrReader reader, RpcCallHeader call)
        {
            if (!reader.TryReadOpaque(MountRes3.MaxPath, out var path))
            {
                return MessageVerdict.NeedMore;
            }

            parser._pending.Add(call.Xid, new PendingCall(PendingCallKind.Mount, default, 0, Text(path)));
            return MessageVerdict.Parsed;
        }
    }
}
