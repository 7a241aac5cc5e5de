using Prometheus;
using WanAccel.Appliance.Protocols;
using WanAccel.Appliance.Protocols.Nfs.ReadAhead;

namespace WanAccel.Appliance.Observability;

/// <summary>File traffic the protocol parsers saw, by protocol and file type (<c>vm_image</c> or <c>other</c>), and NFS read-ahead.</summary>
internal sealed class FileMetrics(IMetricFactory factory, FileTotals totals, NfsReadAheadStatistics readAhead)
{
    private static readonly string[] Labels = ["protocol", "file_type"];

    private readonly Counter _bytes = factory.CreateCounter("wanaccel_file_bytes_total",
        "File bytes in protocol messages this appliance carried (SMB2 READ/WRITE, NFSv3 READ/WRITE, HTTP GET/PUT bodies, wanaccel cp): operation = read (server to client) or write.",
        [.. Labels, "operation"]);

    private readonly Counter _wanBytes = factory.CreateCounter("wanaccel_file_wan_bytes_total",
        "WAN bytes attributed to those file bytes (per engine batch, by share), counted by the side that sent or received them.", Labels);

    private readonly Counter _files = factory.CreateCounter("wanaccel_files_total",
        "Files that ended (closed, committed, body complete, or their connection ended); vm_image = a VM disk image by its first bytes (else by its name).", Labels);

    private readonly Counter _readAheadReads = factory.CreateCounter("wanaccel_nfs_read_ahead_reads_total",
        "NFSv3 READs and read-ahead: answered = client READs the edge answered from read-ahead replies (no round trip), forwarded = client READs it sent on, issued = READs the core sent its server ahead of the client.",
        ["result"]);

    private readonly Counter _readAheadBytes = factory.CreateCounter("wanaccel_nfs_read_ahead_bytes_total",
        "Bytes of read-ahead READ replies the core put into NFS flows.");

    private readonly Counter _readAheadDropped = factory.CreateCounter("wanaccel_nfs_read_ahead_dropped_total",
        "Read-ahead replies thrown away (the file changed, the cache was full, the pattern broke).");

    public void Collect()
    {
        _readAheadReads.WithLabels("answered").IncTo(readAhead.ReadsAnswered);
        _readAheadReads.WithLabels("forwarded").IncTo(readAhead.ReadsForwarded);
        _readAheadReads.WithLabels("issued").IncTo(readAhead.ReadsIssued);
        _readAheadBytes.IncTo(readAhead.BytesInjected);
        _readAheadDropped.IncTo(readAhead.RepliesDropped);
        foreach (var ((protocol, fileType), counts) in totals.All)
        {
            _bytes.WithLabels(protocol, fileType, "read").IncTo(counts.ReadBytes);
            _bytes.WithLabels(protocol, fileType, "write").IncTo(counts.WrittenBytes);
            _wanBytes.WithLabels(protocol, fileType).IncTo(counts.WanBytes);
            _files.WithLabels(protocol, fileType).IncTo(counts.Files);
        }
    }
}
