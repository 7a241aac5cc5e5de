using System.Buffers;
using System.IO.Pipelines;
using WanAccel.Core.Wire;

namespace WanAccel.Appliance.PeerLink;

/// <summary>
/// First bytes each side sends after TLS: <c>"WAPL" · version (1 byte) · channel window (varint) · max DATA payload (varint)
/// · instance (16 bytes)</c>. Window and payload are what the sender accepts: the other side sizes its credit and its
/// frames from them. The instance names the sender's chunk store: when it changes, the store was replaced (wiped,
/// lost), so what this side believed the peer holds is forgotten at once rather than learnt miss by miss.
/// </summary>
internal readonly record struct PeerLinkHello(int Version, int ChannelWindow, int MaxFramePayload, Guid Instance)
{
    public const int CurrentVersion = 1;
    public const int MaxLength = 4 + 1 + VarInt.MaxLength + VarInt.MaxLength + 16;

    /// <summary>Largest window accepted from a peer: 1 GiB.</summary>
    public const int MaxWindow = 1 << 30;

    private static ReadOnlySpan<byte> Magic => "WAPL"u8;

    public void Write(PipeWriter output)
    {
        var span = output.GetSpan(MaxLength);
        Magic.CopyTo(span);
        span[4] = (byte)Version;
        var n = 5 + VarInt.Write(span[5..], (ulong)ChannelWindow);
        n += VarInt.Write(span[n..], (ulong)MaxFramePayload);
        Instance.TryWriteBytes(span[n..]);
        output.Advance(n + 16);
    }

    /// <summary>Parses a hello; false when more bytes are needed. Throws <see cref="PeerLinkProtocolException"/> when wrong.</summary>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, out PeerLinkHello hello)
    {
        hello = default;
        Span<byte> copy = stackalloc byte[MaxLength];
        var take = (int)Math.Min(buffer.Length, MaxLength);
        buffer.Slice(0, take).CopyTo(copy);
        var span = copy[..take];
        var magicLength = Math.Min(span.Length, 4);
        if (!span[..magicLength].SequenceEqual(Magic[..magicLength]))
        {
            throw new PeerLinkProtocolException("not a WanAccel peer link (bad magic)");
        }

        if (span.Length < 5)
        {
            return false;
        }

        if (span[4] != CurrentVersion)
        {
            throw new PeerLinkProtocolException($"peer speaks peer-link version {span[4]}, this side {CurrentVersion}");
        }

        try
        {
            var n = VarInt.TryRead(span[5..], out var window);
            if (n == 0)
            {
                return false;
            }

            var m = VarInt.TryRead(span[(5 + n)..], out var maxFrame);
            if (m == 0)
            {
                return false;
            }

            if (window is < PeerLinkOptions.MinChannelWindowBytes or > MaxWindow
                || maxFrame is < 1024 or > PeerLinkOptions.MaxFramePayloadLimit)
            {
                throw new PeerLinkProtocolException($"peer hello out of range (window {window}, max frame {maxFrame})");
            }

            var at = 5 + n + m;
            if (span.Length < at + 16)
            {
                return false;
            }

            hello = new PeerLinkHello(CurrentVersion, (int)window, (int)maxFrame, new Guid(span.Slice(at, 16)));
            buffer = buffer.Slice(at + 16);
            return true;
        }
        catch (WireFormatException ex)
        {
            throw new PeerLinkProtocolException(ex.Message);
        }
    }
}
