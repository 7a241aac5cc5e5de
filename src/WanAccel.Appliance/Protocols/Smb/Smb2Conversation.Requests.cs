namespace WanAccel.Appliance.Protocols.Smb;

/// <summary>Requests (client to server): recorded by MessageId; a WRITE's data is reported here, before its payload.</summary>
internal sealed partial class Smb2Conversation
{
    /// <summary>The MessageId of the last CREATE in the compound chain being read (related requests use its FileId).</summary>
    private ulong? _chainCreate;

    /// <summary>Session and tree of the chain's first request (related requests inherit them, MS-SMB2 3.3.5.2.7.2).</summary>
    private ulong _chainSession;

    private uint _chainTree;

    /// <remarks>
    /// The per-command helpers validate the fixed part and fill in <see cref="PendingRequest"/>; they answer
    /// <see cref="MessageStepKind.Done"/> (its length unused) when the request is understood, <see cref="MessageStepKind.More"/>
    /// for a name not read yet. Nothing is recorded or reported before the whole request is understood.
    /// </remarks>
    private MessageStep LookRequest(Smb2Header header, ReadOnlySpan<byte> prefix, long messageStart, int length, bool firstInFrame)
    {
        var command = (Smb2Command)header.Command;
        var fixedLength = command switch
        {
            Smb2Command.TreeConnect => TreeConnectRequest.FixedLength,
            Smb2Command.Create => CreateRequest.FixedLength,
            Smb2Command.Close => CloseRequest.FixedLength,
            Smb2Command.Read => ReadRequest.FixedLength,
            Smb2Command.Write => WriteRequest.FixedLength,
            _ => Smb2Header.Length,
        };
        if (FixedPart(prefix, fixedLength, length, messageStart) is { } step)
        {
            return step;
        }

        if (command == Smb2Command.Cancel)
        {
            return MessageStep.Done(length); // no response of its own; it names a request already pending
        }

        // A related request takes its session, tree and file from the one before it in the same frame.
        var related = header.IsRelated && !firstInFrame;
        var session = related ? _chainSession : header.SessionId;
        var tree = related ? _chainTree : header.TreeId;
        var chainCreate = related ? _chainCreate : null;
        var request = new PendingRequest(command, session, tree);
        WriteData? write = null;
        step = command switch
        {
            Smb2Command.TreeConnect => TreeConnect(prefix, length, ref request),
            Smb2Command.Create => Create(prefix, length, ref request),
            Smb2Command.Close => Close(prefix, chainCreate, ref request),
            Smb2Command.Read => Read(prefix, chainCreate, ref request),
            Smb2Command.Write => Write(prefix, messageStart, length, out write),
            _ => MessageStep.Done(0),
        };
        if (step.Kind != MessageStepKind.Done)
        {
            return step;
        }

        if (_pending.ContainsKey(header.MessageId))
        {
            return MessageStep.Stop($"SMB2 MessageId {header.MessageId} reused while pending");
        }

        if (_pending.Count >= MaxOutstanding || !TryRetain(request.Name?.Length ?? 0))
        {
            return MessageStep.Stop($"more than {MaxOutstanding} SMB2 requests or {MaxRetainedChars} name characters outstanding");
        }

        _pending.Add(header.MessageId, request);
        _chainSession = session;
        _chainTree = tree;
        _chainCreate = command == Smb2Command.Create ? header.MessageId : chainCreate;
        if (write is { } data)
        {
            events.FileData(data.File, FileDataKind.Write, StreamDirection.ToServer, data.StreamOffset, data.FileOffset, data.Length);
        }

        return MessageStep.Done(length);
    }

    private MessageStep TreeConnect(ReadOnlySpan<byte> prefix, int length, ref PendingRequest request)
    {
        var message = new TreeConnectRequest(prefix);
        if (!message.IsValid)
        {
            return MessageStep.Stop("malformed SMB2 TREE_CONNECT request");
        }

        if (message.HasExtension)
        {
            return MessageStep.Done(0); // 3.1.1 extension (remoted identity): the share stays unnamed
        }

        var step = NameField(prefix, message.PathOffset, message.PathLength, TreeConnectRequest.FixedLength, length, out var path);
        if (step.Kind == MessageStepKind.Done)
        {
            request = request with { Name = Utf16Name.Decode(path) };
        }

        return step;
    }

    private MessageStep Create(ReadOnlySpan<byte> prefix, int length, ref PendingRequest request)
    {
        var message = new CreateRequest(prefix);
        if (!message.IsValid)
        {
            return MessageStep.Stop("malformed SMB2 CREATE request");
        }

        var step = NameField(prefix, message.NameOffset, message.NameLength, CreateRequest.FixedLength, length, out var name);
        if (step.Kind == MessageStepKind.Done)
        {
            request = request with { Name = Utf16Name.Join(_trees.GetValueOrDefault((request.SessionId, request.TreeId)), name) };
        }

        return step;
    }

    private static MessageStep Close(ReadOnlySpan<byte> prefix, ulong? chainCreate, ref PendingRequest request)
    {
        var message = new CloseRequest(prefix);
        if (!message.IsValid)
        {
            return MessageStep.Stop("malformed SMB2 CLOSE request");
        }

        request = request with { FileId = message.FileId, ChainCreate = chainCreate };
        return MessageStep.Done(0);
    }

    private static MessageStep Read(ReadOnlySpan<byte> prefix, ulong? chainCreate, ref PendingRequest request)
    {
        var message = new ReadRequest(prefix);
        if (!message.IsValid || message.Offset > long.MaxValue - uint.MaxValue)
        {
            return MessageStep.Stop("malformed SMB2 READ request");
        }

        request = request with { FileId = message.FileId, ChainCreate = chainCreate, FileOffset = (long)message.Offset, Length = message.Length };
        return MessageStep.Done(0);
    }

    /// <summary>
    /// Validates a WRITE request; <paramref name="data"/> is the inline data it carries, which lies ahead in the stream
    /// (after the fixed part just read), or null when there is none or its file is not known yet.
    /// </summary>
    private static MessageStep Write(ReadOnlySpan<byte> prefix, long messageStart, int length, out WriteData? data)
    {
        var message = new WriteRequest(prefix);
        data = null;
        if (!message.IsValid || message.Offset > long.MaxValue - uint.MaxValue)
        {
            return MessageStep.Stop("malformed SMB2 WRITE request");
        }

        if (message.Length == 0 || !message.IsInline)
        {
            return MessageStep.Done(0);
        }

        if (message.DataOffset < WriteRequest.FixedLength || message.DataOffset + (long)message.Length > length)
        {
            return MessageStep.Stop($"SMB2 WRITE data outside its message at {messageStart}");
        }

        // The FileId of a related WRITE after a CREATE comes in the CREATE's response, which the server sends only
        // after the whole compound arrived: too late to report this payload before it passes.
        if (message.FileId != Smb2Header.RelatedFileId)
        {
            data = new WriteData(message.FileId, messageStart + message.DataOffset, (long)message.Offset, (int)message.Length);
        }

        return MessageStep.Done(0);
    }

    /// <summary>The inline data of a WRITE request, reported once the request is recorded.</summary>
    private readonly record struct WriteData(UInt128 File, long StreamOffset, long FileOffset, int Length);

    /// <summary>
    /// Locates a UTF-16 name in a request: <see cref="MessageStepKind.Done"/> with the name when the prefix holds it,
    /// <see cref="MessageStepKind.More"/> to read up to its end, or <see cref="MessageStepKind.Stop"/> when it is odd,
    /// overlaps the fixed part, lies outside the message or is longer than <see cref="MaxNameBytes"/>.
    /// </summary>
    private static MessageStep NameField(ReadOnlySpan<byte> prefix, ushort offset, ushort nameLength, int fixedLength, int length, out ReadOnlySpan<byte> name)
    {
        name = default;
        if (nameLength == 0)
        {
            return MessageStep.Done(0);
        }

        var end = offset + nameLength;
        if (nameLength > MaxNameBytes || nameLength % 2 != 0 || offset < fixedLength || end > length)
        {
            return MessageStep.Stop($"SMB2 name of {nameLength} bytes at {offset} does not fit its message");
        }

        if (prefix.Length < end)
        {
            return MessageStep.More(end);
        }

        name = prefix[offset..end];
        return MessageStep.Done(0);
    }
}
