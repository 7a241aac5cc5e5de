namespace WanAccel.Appliance.Protocols.Smb;

/// <summary>Responses (server to client): matched to their requests by MessageId; opens, READ data and closes are reported here.</summary>
internal sealed partial class Smb2Conversation
{
    /// <summary>The last CREATE answered: related requests after it in its compound chain use its FileId.</summary>
    private (ulong MessageId, UInt128 FileId)? _lastCreate;

    private MessageStep LookResponse(Smb2Header header, ReadOnlySpan<byte> prefix, long messageStart, int length)
    {
        var command = (Smb2Command)header.Command;
        if (header.MessageId == Smb2Header.UnsolicitedMessageId
            && command is Smb2Command.OplockBreak or Smb2Command.ServerToClientNotification)
        {
            return MessageStep.Done(length); // oplock or lease break, notification: answers no request
        }

        if (!_pending.TryGetValue(header.MessageId, out var request) || request.Command != command)
        {
            return MessageStep.Stop($"SMB2 {command} response at {messageStart} answers no pending request (MessageId {header.MessageId})");
        }

        if (header.Status == NtStatus.Pending)
        {
            return MessageStep.Done(length); // interim: the final response comes later with the same MessageId
        }

        if (header.Status != NtStatus.Success)
        {
            Complete(header.MessageId);
            return MessageStep.Done(length); // an error response: nothing happened to a file
        }

        var fixedLength = command switch
        {
            Smb2Command.Create => CreateResponse.FixedLength,
            Smb2Command.Read => ReadResponse.FixedLength,
            _ => Smb2Header.Length,
        };
        if (FixedPart(prefix, fixedLength, length, messageStart) is { } step)
        {
            return step;
        }

        // A final response: the request is done with (should the response turn out malformed, the parser stops anyway).
        Complete(header.MessageId);
        step = command switch
        {
            Smb2Command.Create => Created(header.MessageId, prefix, request),
            Smb2Command.Read => ReadData(prefix, messageStart, length, request),
            Smb2Command.Close => Closed(request),
            Smb2Command.TreeConnect => TreeConnected(header.TreeId, request),
            Smb2Command.TreeDisconnect => TreeDisconnected(request),
            Smb2Command.Logoff => LoggedOff(request.SessionId),
            _ => MessageStep.Done(0),
        };
        return step.Kind == MessageStepKind.Done ? MessageStep.Done(length) : step;
    }

    private MessageStep Created(ulong messageId, ReadOnlySpan<byte> prefix, PendingRequest request)
    {
        var message = new CreateResponse(prefix);
        if (!message.IsValid)
        {
            return MessageStep.Stop("malformed SMB2 CREATE response");
        }

        _lastCreate = (messageId, message.FileId);
        events.FileOpened(message.FileId, request.Name ?? string.Empty);
        return MessageStep.Done(0);
    }

    /// <summary>Reports a READ response's data: it lies ahead in the stream, after the fixed part just read.</summary>
    private MessageStep ReadData(ReadOnlySpan<byte> prefix, long messageStart, int length, PendingRequest request)
    {
        var message = new ReadResponse(prefix);
        var dataLength = message.DataLength;
        if (!message.IsValid || dataLength > request.Length
            || (dataLength > 0 && (message.DataOffset < ReadResponse.FixedLength || message.DataOffset + (long)dataLength > length)))
        {
            return MessageStep.Stop($"SMB2 READ response at {messageStart} inconsistent with its message or request");
        }

        if (dataLength > 0 && FileOf(request) is { } file)
        {
            events.FileData(file, FileDataKind.Read, StreamDirection.ToClient, messageStart + message.DataOffset, request.FileOffset, (int)dataLength);
        }

        return MessageStep.Done(0);
    }

    private MessageStep Closed(PendingRequest request)
    {
        if (FileOf(request) is { } file)
        {
            events.FileClosed(file);
        }

        return MessageStep.Done(0);
    }

    private MessageStep TreeConnected(uint treeId, PendingRequest request)
    {
        if (request.Name is null)
        {
            return MessageStep.Done(0);
        }

        if (!TryRetain(request.Name.Length))
        {
            return MessageStep.Stop($"more than {MaxRetainedChars} characters of share paths held");
        }

        if (_trees.Remove((request.SessionId, treeId), out var replaced))
        {
            Release(replaced);
        }

        _trees.Add((request.SessionId, treeId), request.Name);
        return MessageStep.Done(0);
    }

    private MessageStep TreeDisconnected(PendingRequest request)
    {
        if (_trees.Remove((request.SessionId, request.TreeId), out var path))
        {
            Release(path);
        }

        return MessageStep.Done(0);
    }

    private MessageStep LoggedOff(ulong sessionId)
    {
        foreach (var key in _trees.Keys.Where(k => k.Session == sessionId).ToList())
        {
            TreeDisconnected(new PendingRequest(Smb2Command.TreeDisconnect, key.Session, key.Tree));
        }

        return MessageStep.Done(0);
    }

    /// <summary>
    /// The request's file: its own FileId, or for a related request the FileId its chain's CREATE got; null when that
    /// is not known (a related request after something other than a CREATE).
    /// </summary>
    private UInt128? FileOf(PendingRequest request)
    {
        if (request.FileId != Smb2Header.RelatedFileId)
        {
            return request.FileId;
        }

        return request.ChainCreate is { } create && _lastCreate is { } last && last.MessageId == create ? last.FileId : null;
    }
}
