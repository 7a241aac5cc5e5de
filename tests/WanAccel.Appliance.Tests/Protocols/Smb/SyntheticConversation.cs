using WanAccel.Appliance.Protocols.Smb;
using static WanAccel.Appliance.Tests.Protocols.Smb.Smb2Messages;

namespace WanAccel.Appliance.Tests.Protocols.Smb;

/// <summary>
/// A whole hand-built SMB2 session exercising every followed command: a two-leg SESSION_SETUP, a tree, a file written
/// with a multi-credit WRITE and read back with an async (STATUS_PENDING) READ, a READ past the end (error), ECHO, an
/// oplock break, a compound CREATE+READ+CLOSE with related FileIds, a failed CREATE and a TREE_DISCONNECT.
/// </summary>
internal static class SyntheticConversation
{
    public const string Share = @"\\files\vm";
    public static readonly UInt128 Disk = new(0x0000_0000_0000_0031, 0x0000_0001_0000_00A1);
    public static readonly UInt128 Notes = new(0x0000_0000_0000_0032, 0x0000_0001_0000_00A2);

    public static byte[] DiskContent { get; } = Hosting.TestPayload.Create(165_536, seed: 5);

    public static byte[] NotesContent { get; } = "a short text read in one compound"u8.ToArray();

    /// <summary>The session; with <paramref name="signed"/> every message after NEGOTIATE carries a signature.</summary>
    public static ConnectionCapture Build(bool signed = false)
    {
        byte[] S(byte[] message) => signed ? Signed(message) : message;
        var disk = DiskContent;
        return new ConnectionCapture()
            .Client(Frame(Negotiate(0))).Server(Frame(NegotiateResponse(0)))
            .Client(Frame(S(SessionSetup(1)))).Server(Frame(S(SessionSetupResponse(1, StatusMoreProcessing))))
            .Client(Frame(S(SessionSetup(2)))).Server(Frame(S(SessionSetupResponse(2))))
            .Client(Frame(S(TreeConnect(3, Share)))).Server(Frame(S(TreeConnectResponse(3, 7))))
            .Client(Frame(S(Create(4, 7, @"images\disk.vhdx", contexts: 40)))).Server(Frame(S(CreateResponse(4, Disk))))
            .Client(Frame(S(Write(5, 7, Disk, 0, disk.AsSpan(0, 65_536)))), Frame(S(Credits(Write(6, 7, Disk, 65_536, disk.AsSpan(65_536)), 2))))
            .Server(Frame(S(WriteResponse(5, 65_536))), Frame(S(WriteResponse(6, 100_000))))
            .Client(Frame(S(Read(8, 7, Disk, 0, 65_536))), Frame(S(Credits(Read(9, 7, Disk, 65_536, 200_000), 4))))
            .Server(Frame(S(Async(Error(Smb2Command.Read, 9, NtStatus.Pending), 77))))
            .Server(Frame(S(ReadResponse(8, disk.AsSpan(0, 65_536)))), Frame(S(Async(ReadResponse(9, disk.AsSpan(65_536)), 77))))
            .Client(Frame(S(Read(13, 7, Disk, disk.Length, 4096)))).Server(Frame(S(Error(Smb2Command.Read, 13, StatusEndOfFile))))
            .Client(Frame(S(Echo(14)))).Server(Frame(S(EchoResponse(14))))
            .Server(Frame(OplockBreak(Disk)))
            .Client(Frame(S(Close(15, 7, Disk)))).Server(Frame(S(CloseResponse(15))))
            .Client(Frame(S(Create(16, 7, "notes.txt")), S(Related(Read(17, 7, UInt128.MaxValue, 0, 1000))), S(Related(Close(18, 7, UInt128.MaxValue)))))
            .Server(Frame(S(CreateResponse(16, Notes)), S(ReadResponse(17, NotesContent)), S(CloseResponse(18))))
            .Client(Frame(S(Create(19, 7, "missing.bin")))).Server(Frame(S(Error(Smb2Command.Create, 19, StatusNotFound))))
            .Client(Frame(S(TreeDisconnect(20, 7)))).Server(Frame(S(TreeDisconnectResponse(20))));
    }

    /// <summary>The events <see cref="Build"/> must give, stream offsets aside (<see cref="DataOracle"/> checks those).</summary>
    public static IReadOnlyList<string> ExpectedShape { get; } =
    [
        $@"Opened {Disk} {Share}\images\disk.vhdx",
        $"Data {Disk} Write ToServer 0 65536",
        $"Data {Disk} Write ToServer 65536 100000",
        $"Data {Disk} Read ToClient 0 65536",
        $"Data {Disk} Read ToClient 65536 100000",
        $"Closed {Disk}",
        $@"Opened {Notes} {Share}\notes.txt",
        $"Data {Notes} Read ToClient 0 {NotesContent.Length}",
        $"Closed {Notes}",
    ];

    /// <summary>An event without its stream offset, for comparing with <see cref="ExpectedShape"/>.</summary>
    public static string Shape(ParserEvent e) => e switch
    {
        ParserEvent.Opened o => $"Opened {o.File} {o.Name}",
        ParserEvent.Data d => $"Data {d.File} {d.Kind} {d.Direction} {d.FileOffset} {d.Length}",
        ParserEvent.Closed c => $"Closed {c.File}",
        _ => e.ToString(),
    };

    public static byte[] Content(UInt128 file) => file == Disk ? DiskContent : NotesContent;
}
