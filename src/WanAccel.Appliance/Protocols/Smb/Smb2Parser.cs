using System.Buffers;

namespace WanAccel.Appliance.Protocols.Smb;

/// <summary>
/// Passive SMB2/3 parser of one connection over Direct TCP: follows NEGOTIATE (after an optional SMB1 one), SESSION_SETUP,
/// TREE_CONNECT, CREATE, READ, WRITE and CLOSE, including compound chains, async (STATUS_PENDING) responses, signed
/// messages and errors, and reports opened files, the stream ranges of READ and WRITE data, and closes. It reads only
/// headers and fixed parts (payloads are skipped by counting), holds at most <see cref="Smb2Conversation.MaxOutstanding"/>
/// requests and 1 MiB of names, and stops at an SMB3 transform header (encryption), a compression transform or
/// anything it does not understand.
/// </summary>
internal sealed class Smb2Parser(IProtocolEvents events) : IProtocolParser
{
    private readonly Lock _gate = new();
    private readonly Smb2Conversation _conversation = new(events);
    private readonly DirectTcpReader _toServer = new(StreamDirection.ToServer);
    private readonly DirectTcpReader _toClient = new(StreamDirection.ToClient);
    private volatile bool _stopped;

    public string Protocol => "smb";

    public bool Stopped => _stopped;

    public void Feed(StreamDirection direction, ReadOnlySequence<byte> data)
    {
        if (_stopped)
        {
            return;
        }

        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }

            MessageStep step;
            try
            {
                var reader = new SequenceReader<byte>(data);
                step = (direction == StreamDirection.ToServer ? _toServer : _toClient).Read(ref reader, _conversation);
            }
            catch (Exception e)
            {
                // Never expected (the fuzz tests look for this reason); the flow must outlive a parser bug.
                step = MessageStep.Stop($"internal error: {e.GetType().Name}: {e.Message}");
            }

            if (step.Kind == MessageStepKind.Encrypted)
            {
                _stopped = true;
                events.Encrypted(direction);
            }
            else if (step.Kind == MessageStepKind.Stop)
            {
                _stopped = true;
                events.ParserStopped(step.Reason ?? "stopped");
            }
        }
    }
}
