using System.Collections.Concurrent;

namespace WanAccel.Appliance.Protocols;

/// <summary>
/// File traffic the protocol parsers saw on one appliance, by protocol and file type (<c>vm_image</c> or
/// <c>other</c>), for the metrics. Both label sets are small and fixed (parsers name their protocol), so this never grows.
/// </summary>
internal sealed class FileTotals
{
    public const string VmImage = "vm_image";
    public const string Other = "other";

    private readonly ConcurrentDictionary<(string Protocol, string FileType), FileCounts> _counts = new();

    public FileCounts For(string protocol, bool vmImage) => _counts.GetOrAdd((protocol, vmImage ? VmImage : Other), static _ => new FileCounts());

    public IEnumerable<KeyValuePair<(string Protocol, string FileType), FileCounts>> All => _counts;
}

/// <summary>Running totals for one (protocol, file type); updated from any thread.</summary>
internal sealed class FileCounts
{
    private long _files;
    private long _read;
    private long _written;
    private long _wan;

    /// <summary>Files that ended (closed, or their connection ended).</summary>
    public long Files => Interlocked.Read(ref _files);

    /// <summary>File bytes read from servers (READ replies, GET bodies).</summary>
    public long ReadBytes => Interlocked.Read(ref _read);

    /// <summary>File bytes written to servers (WRITE requests, PUT bodies).</summary>
    public long WrittenBytes => Interlocked.Read(ref _written);

    /// <summary>WAN bytes attributed to those file bytes (see <see cref="FileActivity"/>).</summary>
    public long WanBytes => Interlocked.Read(ref _wan);

    public void AddFile() => Interlocked.Increment(ref _files);

    public void AddData(FileDataKind kind, long bytes) => Interlocked.Add(ref kind == FileDataKind.Read ? ref _read : ref _written, bytes);

    public void AddWan(long bytes) => Interlocked.Add(ref _wan, bytes);
}
