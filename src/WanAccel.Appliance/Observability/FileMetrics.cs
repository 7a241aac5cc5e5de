using Prometheus;
using WanAccel.Appliance.Protocols;

namespace WanAccel.Appliance.Observability;

/// <summary>File traffic the protocol parsers saw, by protocol and file type (<c>vm_image</c> or <c>other</c>).</summary>
internal sealed class FileMetrics(IMetricFactory factory, FileTotals totals)
{
    private static readonly string[] Labels = ["protocol", "file_type"];

    private readonly Counter _bytes = factory.CreateCounter("wanaccel_file_bytes_total",
        "File bytes in protocol messages this appliance carried (SMB2 READ/WRITE, NFSv3 READ/WRITE, HTTP GET/PUT bodies, wanaccel cp): operation = read (server to client) or write.",
        [.. Labels, "operation"]);

    private readonly Counter _wanBytes = factory.CreateCounter("wanaccel_file_wan_bytes_total",
        "WAN bytes attributed to those file bytes (per engine batch, by share), counted by the side that sent or received them.", Labels);

    private readonly Counter _files = factory.CreateCounter("wanaccel_files_total",
        "Files that ended (closed, committed, body complete, or their connection ended); vm_image = a VM disk image by its first bytes (else by its name).", Labels);

    public void Collect()
    {
        foreach (var ((protocol, fileType), counts) in totals.All)
        {
            _bytes.WithLabels(protocol, fileType, "read").IncTo(counts.ReadBytes);
            _bytes.WithLabels(protocol, fileType, "write").IncTo(counts.WrittenBytes);
            _wanBytes.WithLabels(protocol, fileType).IncTo(counts.WanBytes);
            _files.WithLabels(protocol, fileType).IncTo(counts.Files);
        }
    }
}
