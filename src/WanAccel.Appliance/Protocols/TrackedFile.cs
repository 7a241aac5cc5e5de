using WanAccel.Images.Containers;

namespace WanAccel.Appliance.Protocols;

/// <summary>One file a parser reported on a flow: its name, type once known, and the bytes seen for it.</summary>
internal sealed class TrackedFile(string name)
{
    public string Name { get; set; } = name;

    /// <summary>Set once the type is decided (from its first bytes, else from its name); bytes before that wait here.</summary>
    public FileCounts? Totals { get; private set; }

    public ImageFormat? Format { get; private set; }

    /// <summary>The format in lower case (<c>vhdx</c>, <c>qcow2</c>, ...), or <c>other</c> for a file that is no VM image.</summary>
    public string FormatName { get; private set; } = "other";

    /// <summary>A capture of its first bytes is under way (the type is decided when it completes).</summary>
    public bool Capturing { get; set; }

    public long ReadBytes { get; private set; }

    public long WrittenBytes { get; private set; }

    public double WanBytes { get; private set; }

    private long _pendingRead;
    private long _pendingWritten;
    private double _pendingWan;

    public void Decide(ImageFormat? format, FileCounts totals)
    {
        Format = format;
        FormatName = format?.ToString().ToLowerInvariant() ?? "other";
        Totals = totals;
        Capturing = false;
        Flush();
    }

    public void AddData(FileDataKind kind, long bytes)
    {
        if (kind == FileDataKind.Read)
        {
            ReadBytes += bytes;
            _pendingRead += bytes;
        }
        else
        {
            WrittenBytes += bytes;
            _pendingWritten += bytes;
        }

        Flush();
    }

    public void AddWan(double bytes)
    {
        WanBytes += bytes;
        _pendingWan += bytes;
        Flush();
    }

    private void Flush()
    {
        if (Totals is null)
        {
            return;
        }

        Totals.AddData(FileDataKind.Read, _pendingRead);
        Totals.AddData(FileDataKind.Write, _pendingWritten);
        var wan = (long)_pendingWan;
        Totals.AddWan(wan);
        _pendingRead = 0;
        _pendingWritten = 0;
        _pendingWan -= wan;
    }
}
