using WanAccel.Appliance.Protocols.Rpc;

namespace WanAccel.Appliance.Protocols.Nfs.ReadAhead;

internal sealed partial class NfsReadAheadServerEnd
{
    /// <summary>Files followed at once; a client reading more in parallel gets read-ahead for the first ones.</summary>
    private const int MaxFiles = 64;

    private readonly Lock _lock = new();
    private readonly Dictionary<UInt128, FileState> _files = [];
    private readonly Dictionary<uint, (UInt128 File, byte[] Handle, ulong Offset, uint Count)> _outstanding = [];
    private volatile bool _stopped;

    private bool Stopped => _stopped;

    private void StopReadAhead() => _stopped = true;

    private async Task OnCallAsync(byte[] message)
    {
        var requests = Plan(message);
        foreach (var (credential, handle, offset, count, file) in requests)
        {
            var xid = await _connection.ReadAsync(credential, handle, offset, count).ConfigureAwait(false);
            if (xid is null)
            {
                StopReadAhead();
                return;
            }

            lock (_lock)
            {
                _outstanding[xid.Value] = (file, handle, offset, count);
            }

            Statistics.Issued();
        }
    }

    private async Task OnEdgeAsync(AnnotationKind kind, byte[] handle, ulong offset, uint count)
    {
        switch (kind)
        {
            case AnnotationKind.Consumed:
                await OnCallAsync(Read3Call(handle, offset, count)).ConfigureAwait(false);
                break;
            case AnnotationKind.Stop:
                StopReadAhead();
                break;
            default:
                throw new InvalidDataException($"NFS read-ahead: annotation kind {(uint)kind} is not for the core");
        }
    }

    /// <summary>What to read ahead after this client call (a READ forwarded, or one the edge answered).</summary>
    private List<(byte[] Credential, byte[] Handle, ulong Offset, uint Count, UInt128 File)> Plan(byte[] message)
    {
        var requests = new List<(byte[], byte[], ulong, uint, UInt128)>();
        var call = ClientCall.Read(message);
        if (call.Kind is not (ClientCallKind.Read or ClientCallKind.ChangesData))
        {
            return requests;
        }

        var key = NfsFileHandle.Key(call.Handle);
        lock (_lock)
        {
            if (!_files.TryGetValue(key, out var state))
            {
                if (_files.Count >= MaxFiles)
                {
                    return requests;
                }

                _files[key] = state = new FileState(call.Handle.ToArray());
            }

            if (call.Kind == ClientCallKind.ChangesData)
            {
                state.Changed = true; // the edge drops it too: it saw the same call
                return requests;
            }

            var edgeAnswered = call.Xid == ConsumedXid;
            var sequential = call.Offset == state.ReadTo && call.Count == state.Count;
            state.Streak = sequential || edgeAnswered ? state.Streak + 1 : 1;
            (state.ReadTo, state.Count) = (call.Offset + call.Count, call.Count);
            if (!edgeAnswered)
            {
                state.Credential = call.Credential.IsEmpty ? null : call.Credential.ToArray();
                if (!sequential)
                {
                    (state.IssuedTo, state.Eof) = (state.ReadTo, false);
                }
            }

            if (_stopped || state.Changed || state.Eof || state.Streak < 2 || state.Credential is null || call.Count is 0 or > Read3Res.MaxData)
            {
                return requests;
            }

            state.IssuedTo = Math.Max(state.IssuedTo, state.ReadTo);
            while (state.IssuedTo + call.Count <= state.ReadTo + (ulong)_depth)
            {
                requests.Add((state.Credential, state.Handle, state.IssuedTo, call.Count, key));
                state.IssuedTo += call.Count;
            }
        }

        return requests;
    }

    /// <summary>A read-ahead reply: checked (a whole successful READ reply, the file unchanged), then put into the flow.</summary>
    private async Task OnReplyAsync(uint xid, byte[] message)
    {
        (UInt128 File, byte[] Handle, ulong Offset, uint Count) request;
        byte[]? annotation = null;
        lock (_lock)
        {
            if (!_outstanding.Remove(xid, out request) || !_files.TryGetValue(request.File, out var state) || state.Changed || _stopped)
            {
                Statistics.Dropped();
                return;
            }

            var reader = new XdrReader(message);
            if (!RpcReplyHeader.TryRead(ref reader, out var reply) || !reply.Success || !Read3Res.TryRead(ref reader, out var read)
                || read.Status != NfsProgram.Ok || read.DataLength > request.Count || reader.Position + XdrReader.Padded(read.DataLength) != message.Length)
            {
                Statistics.Dropped();
                return;
            }

            if (!read.Attributes.AgreesWith(state.Attributes))
            {
                // The file changed between two replies: nothing read ahead of it can be trusted any more.
                state.Changed = true;
                annotation = Annotation.Create(AnnotationKind.Drop, request.Handle, 0, 0, default);
            }
            else
            {
                state.Attributes = read.Attributes.Present ? read.Attributes : state.Attributes;
                state.Eof |= read.Eof || read.DataLength < request.Count;
            }
        }

        if (annotation is not null)
        {
            Statistics.Dropped();
            await InjectAsync(annotation).ConfigureAwait(false);
            return;
        }

        annotation = Annotation.Create(AnnotationKind.ReadReply, request.Handle, request.Offset, request.Count, message);
        await InjectAsync(annotation).ConfigureAwait(false);
        Statistics.Injected(annotation.Length);
    }

    /// <summary>A READ call standing for one the edge answered (XID <see cref="ConsumedXid"/>, no credential: it never goes out).</summary>
    private static byte[] Read3Call(byte[] handle, ulong offset, uint count)
    {
        var w = new byte[24 + 16 + 4 + XdrReader.Padded(handle.Length) + 12];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(w, ConsumedXid);
        foreach (var (at, word) in (ReadOnlySpan<(int, uint)>)[(8, 2), (12, NfsProgram.Nfs), (16, NfsProgram.Version3), (20, (uint)NfsProcedure.Read)])
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(w.AsSpan(at), word);
        }

        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(w.AsSpan(40), (uint)handle.Length);
        handle.CopyTo(w, 44);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(w.AsSpan(44 + XdrReader.Padded(handle.Length)), offset);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(w.AsSpan(52 + XdrReader.Padded(handle.Length)), count);
        return w;
    }

    private const uint ConsumedXid = Annotation.Magic;

    /// <summary>Read-ahead state of one file.</summary>
    private sealed class FileState(byte[] handle)
    {
        public byte[] Handle { get; } = handle;

        public byte[]? Credential { get; set; }

        public uint Count { get; set; }

        public ulong ReadTo { get; set; }

        public ulong IssuedTo { get; set; }

        public int Streak { get; set; }

        public bool Eof { get; set; }

        public bool Changed { get; set; }

        public PostOpAttributes Attributes { get; set; }
    }
}
