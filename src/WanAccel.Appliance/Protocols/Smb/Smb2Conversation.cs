using System.Buffers.Binary;

namespace WanAccel.Appliance.Protocols.Smb;

/// <summary>
/// The state of one SMB2 connection both directions share: requests waiting for their responses (by MessageId), the
/// connected trees, and the compound chain being read. Looks at each message's first bytes as
/// <see cref="DirectTcpReader"/> assembles them, asks for exactly the bytes the message's command needs, and reports
/// events only once a message is understood whole, so a message that turns out inconsistent reports nothing.
/// </summary>
internal sealed partial class Smb2Conversation(IProtocolEvents events)
{
    /// <summary>The longest name (CREATE) or share path (TREE_CONNECT) followed, in bytes of UTF-16.</summary>
    public const int MaxNameBytes = 32 * 1024;

    /// <summary>Requests waiting for a response at once; real clients keep tens to hundreds (credits).</summary>
    public const int MaxOutstanding = 4096;

    /// <summary>Characters of names and share paths held at once (pending CREATEs, connected trees): 1 MiB.</summary>
    private const int MaxRetainedChars = 512 * 1024;

    /// <summary>What a pending request or tree costs against <see cref="MaxRetainedChars"/> besides its name.</summary>
    private const int EntryChars = 16;

    private readonly Dictionary<ulong, PendingRequest> _pending = [];
    private readonly Dictionary<(ulong Session, uint Tree), string> _trees = [];
    private int _retainedChars;

    /// <summary>
    /// Looks at the first bytes of a message: <paramref name="prefix"/> starts at <paramref name="messageStart"/> (a
    /// stream offset) and <paramref name="frameRemaining"/> bytes of the frame are left from there.
    /// </summary>
    public MessageStep Look(StreamDirection direction, ReadOnlySpan<byte> prefix, long messageStart, int frameRemaining, bool firstInFrame)
    {
        if (prefix.Length < 4)
        {
            return MessageStep.Stop($"{direction} message at {messageStart} shorter than a protocol id");
        }

        switch (BinaryPrimitives.ReadUInt32LittleEndian(prefix))
        {
            case SmbProtocolId.Smb2:
                break;
            case SmbProtocolId.Smb1:
                return LookSmb1(direction, prefix, messageStart, frameRemaining);
            case SmbProtocolId.Transform:
                return MessageStep.Encrypted;
            case SmbProtocolId.Compressed:
                return MessageStep.Stop("SMB2 compression transform: compressed messages are not followed");
            default:
                return MessageStep.Stop($"not an SMB2 message at {direction} offset {messageStart}");
        }

        if (prefix.Length < Smb2Header.Length)
        {
            return MessageStep.Stop($"{direction} SMB2 message at {messageStart} shorter than its header");
        }

        var header = new Smb2Header(prefix);
        var next = header.NextCommand;
        if (header.StructureSize != Smb2Header.Length
            || (next != 0 && (next < Smb2Header.Length || next % 8 != 0 || next > frameRemaining)))
        {
            return MessageStep.Stop($"malformed SMB2 header at {direction} offset {messageStart}");
        }

        if (header.Command > (ushort)Smb2Command.ServerToClientNotification)
        {
            return MessageStep.Stop($"unknown SMB2 command 0x{header.Command:X4} at {direction} offset {messageStart}");
        }

        if (header.IsResponse != (direction == StreamDirection.ToClient))
        {
            return MessageStep.Stop($"SMB2 {(header.IsResponse ? "response" : "request")} flowing {direction} at {messageStart}");
        }

        var length = next == 0 ? frameRemaining : (int)next;
        return header.IsResponse
            ? LookResponse(header, prefix, messageStart, length)
            : LookRequest(header, prefix, messageStart, length, firstInFrame);
    }

    /// <summary>
    /// An SMB1 multi-protocol NEGOTIATE opening the connection (MS-SMB2 3.3.5.3.1): the server answers it with an SMB2
    /// NEGOTIATE response of MessageId 0. SMB1 anywhere else is not followed.
    /// </summary>
    private MessageStep LookSmb1(StreamDirection direction, ReadOnlySpan<byte> prefix, long messageStart, int frameRemaining)
    {
        const int FirstMessage = 4; // right after the first frame header
        if (direction != StreamDirection.ToServer || messageStart != FirstMessage || prefix.Length < 5 || prefix[4] != SmbProtocolId.Smb1Negotiate)
        {
            return MessageStep.Stop($"SMB1 at {direction} offset {messageStart}: only an opening SMB1 NEGOTIATE is followed");
        }

        TryRetain(0); // the first message: the budget is untouched
        _pending[0] = new PendingRequest(Smb2Command.Negotiate, 0, 0);
        return MessageStep.Done(frameRemaining);
    }

    /// <summary>
    /// Null when <paramref name="prefix"/> holds the message's fixed part (header and body up to its variable buffer);
    /// else the step that reads it, or a stop when the message is shorter than that.
    /// </summary>
    private static MessageStep? FixedPart(ReadOnlySpan<byte> prefix, int fixedLength, int length, long messageStart)
    {
        if (fixedLength > length)
        {
            return MessageStep.Stop($"SMB2 message at {messageStart} ({length} B) shorter than its fixed part ({fixedLength} B)");
        }

        return prefix.Length < fixedLength ? MessageStep.More(fixedLength) : null;
    }

    /// <summary>Forgets a request once its final response is read.</summary>
    private void Complete(ulong messageId)
    {
        if (_pending.Remove(messageId, out var request))
        {
            Release(request.Name);
        }
    }

    /// <summary>Counts a name (and its entry) against the retained budget; false when it would exceed it.</summary>
    private bool TryRetain(int chars)
    {
        if (_retainedChars + chars + EntryChars > MaxRetainedChars)
        {
            return false;
        }

        _retainedChars += chars + EntryChars;
        return true;
    }

    private void Release(string? name) => _retainedChars -= (name?.Length ?? 0) + EntryChars;
}
