using WanAccel.Appliance.Protocols.Nfs.ReadAhead;
using WanAccel.Appliance.Protocols.Rpc;

namespace WanAccel.Appliance.Protocols.Nfs;

internal sealed partial class NfsParser
{
    /// <summary>The server's direction: REPLYs, matched to their calls by XID.</summary>
    private sealed class ReplySide(NfsParser parser) : IRpcMessageHandler
    {
        private UInt128 _readFile;
        private ulong _readOffset;

        public MessageVerdict OnMessage(ReadOnlySpan<byte> header, bool complete, out (int Offset, int Length) payload, out string? stopReason)
        {
            payload = default;
            if (Annotation.TryRead(header, out var kind, out var handle, out var offset, out _, out var message))
            {
                stopReason = null;
                return kind == AnnotationKind.ReadReply ? ReadAhead(header.Length - message.Length, message, handle, offset, complete, out payload) : MessageVerdict.Skip;
            }

            var reader = new XdrReader(header);
            if (!RpcReplyHeader.TryRead(ref reader, out var reply))
            {
                return Unreadable(reader, parser._replies, "reply", out stopReason);
            }

            stopReason = null;
            if (!parser._pending.TryGet(reply.Xid, out var call))
            {
                return MessageVerdict.Skip;
            }

            var verdict = reply.Success ? Results(ref reader, call, out payload) : MessageVerdict.Skip;
            if (verdict == MessageVerdict.NeedMore && reader.Malformed)
            {
                verdict = MessageVerdict.Skip;
            }

            if (verdict != MessageVerdict.NeedMore)
            {
                parser._pending.Remove(reply.Xid);
            }

            return verdict;
        }

        /// <summary>
        /// A READ reply the core read ahead, in the annotation the appliances put in the stream (the stream between the
        /// appliances carries it instead of the reply to the client's own READ): file data like any READ reply's.
        /// </summary>
        private MessageVerdict ReadAhead(int at, ReadOnlySpan<byte> message, ReadOnlySpan<byte> handle, ulong offset, bool complete, out (int Offset, int Length) payload)
        {
            payload = default;
            var reader = new XdrReader(message);
            if (!RpcReplyHeader.TryRead(ref reader, out var reply) || !reply.Success || !Read3Res.TryRead(ref reader, out var read))
            {
                return reader.Malformed || complete ? MessageVerdict.Skip : MessageVerdict.NeedMore;
            }

            (_readFile, _readOffset, payload) = (NfsFileHandle.Key(handle), offset, (at + reader.Position, read.DataLength));
            return MessageVerdict.Parsed;
        }

        public void OnPayload(long streamOffset, int payloadOffset, int length) =>
            parser._events.FileData(_readFile, FileDataKind.Read, StreamDirection.ToClient, streamOffset, (long)_readOffset + payloadOffset, length);

        private MessageVerdict Results(ref XdrReader reader, PendingCall call, out (int Offset, int Length) payload)
        {
            payload = default;
            uint status;
            scoped ReadOnlySpan<byte> handle;
            switch (call.Kind)
            {
                case PendingCallKind.Read:
                    if (!Read3Res.TryRead(ref reader, out var read))
                    {
                        return MessageVerdict.NeedMore;
                    }

                    (_readFile, _readOffset, payload) = (call.File, call.Offset, (reader.Position, read.DataLength));
                    return MessageVerdict.Parsed;
                case PendingCallKind.Lookup:
                    if (!Lookup3Res.TryRead(ref reader, out status, out handle))
                    {
                        return MessageVerdict.NeedMore;
                    }

                    break;
                case PendingCallKind.Create:
                    if (!Create3Res.TryRead(ref reader, out status, out handle))
                    {
                        return MessageVerdict.NeedMore;
                    }

                    break;
                case PendingCallKind.Mount:
                    if (!MountRes3.TryRead(ref reader, out status, out handle))
                    {
                        return MessageVerdict.NeedMore;
                    }

                    if (status == NfsProgram.Ok)
                    {
                        parser._names.Set(NfsFileHandle.Key(handle), call.Name!);
                    }

                    return MessageVerdict.Parsed;
                case PendingCallKind.Commit:
                    if (!reader.TryReadUInt32(out status))
                    {
                        return MessageVerdict.NeedMore;
                    }

                    if (status == NfsProgram.Ok)
                    {
                        parser._events.FileClosed(call.File);
                    }

                    return MessageVerdict.Parsed;
                default:
                    return MessageVerdict.Skip;
            }

            if (status == NfsProgram.Ok && !handle.IsEmpty)
            {
                var key = NfsFileHandle.Key(handle);
                parser._names.Set(key, call.Name!);
                parser._events.FileOpened(key, call.Name!);
            }

            return MessageVerdict.Parsed;
        }
    }
}
