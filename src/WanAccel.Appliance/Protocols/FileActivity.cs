using System.Buffers;
using Microsoft.Extensions.Logging;
using WanAccel.Images.Containers;

namespace WanAccel.Appliance.Protocols;

/// <summary>
/// What one flow's protocol parser found, put to use: per-file byte counts, type (VM image detected from the file's
/// first bytes) and log line; the stream ranges holding file data, for chunk boundaries on the sending side (at every
/// file offset that is a multiple of the anchor size, so a file block becomes the same chunks whatever protocol carries
/// it in messages aligned to that size, and the headers between such messages stay out of the file's chunks); and the WAN bytes of each stream range, attributed to the files in it
/// (per engine batch: a batch holding two files' data splits its WAN bytes by their share of it).
/// </summary>
internal sealed class FileActivity : IProtocolEvents
{
    /// <summary>Most files followed per flow, and most data ranges remembered per direction (older ones are forgotten).</summary>
    public const int MaxFiles = 4096;

    private const int MaxRegions = 4096;

    private static readonly string[] ImageExtensions = [".vhd", ".vhdx", ".vmdk", ".vdi", ".qcow2", ".qcow", ".img", ".raw"];

    private readonly Lock _lock = new();
    private readonly string _protocol;
    private readonly FileTotals _totals;
    private readonly long _anchorBytes;
    private readonly long _flowId;
    private readonly ILogger _logger;
    private readonly Dictionary<UInt128, TrackedFile> _files = [];
    private readonly Queue<DataRegion>[] _regions = [new(), new()];
    private readonly List<HeadCapture> _captures = [];

    public FileActivity(string protocol, FileTotals totals, long anchorBytes, long flowId, ILogger logger)
    {
        _protocol = protocol;
        _totals = totals;
        _anchorBytes = anchorBytes;
        _flowId = flowId;
        _logger = logger;
    }

    private volatile bool _encrypted;

    /// <summary>The connection turned encrypted (SMB3 transform): nothing after this benefits from chunking.</summary>
    public bool IsEncrypted => _encrypted;

    public void FileOpened(UInt128 file, string name)
    {
        lock (_lock)
        {
            if (_files.TryGetValue(file, out var known))
            {
                known.Name = name;
            }
            else if (_files.Count < MaxFiles)
            {
                _files[file] = new TrackedFile(name);
            }
        }
    }

    public void FileData(UInt128 file, FileDataKind kind, StreamDirection direction, long streamOffset, long fileOffset, int length)
    {
        if (length <= 0 || streamOffset < 0 || fileOffset < 0)
        {
            return;
        }

        lock (_lock)
        {
            var regions = _regions[(int)direction];
            if (regions.Count == MaxRegions)
            {
                regions.Dequeue();
            }

            if (!_files.TryGetValue(file, out var tracked))
            {
                if (_files.Count == MaxFiles)
                {
                    return;
                }

                tracked = _files[file] = new TrackedFile($"(unnamed file {(ulong)(file >> 64):x16})");
            }

            regions.Enqueue(new DataRegion(tracked, streamOffset, fileOffset, length));
            tracked.AddData(kind, length);
            if (tracked.Totals is null && !tracked.Capturing)
            {
                if (fileOffset == 0)
                {
                    tracked.Capturing = true;
                    _captures.Add(new HeadCapture(tracked, direction, streamOffset, Math.Min(length, DiskImage.DetectLength)));
                }
                else
                {
                    // The first bytes were not seen (a resumed copy, a random read): the name is all there is.
                    Decide(tracked, ByName(tracked.Name));
                }
            }
        }
    }

    public void FileClosed(UInt128 file)
    {
        lock (_lock)
        {
            if (_files.Remove(file, out var tracked))
            {
                End(tracked);
            }
        }
    }

    public void Encrypted(StreamDirection direction)
    {
        _encrypted = true;
        ProtocolLog.Encrypted(_logger, _flowId, _protocol);
    }

    public void ParserStopped(string reason) => ProtocolLog.ParserStopped(_logger, _flowId, _protocol, reason);

    /// <summary>Bytes of <paramref name="direction"/> at stream <paramref name="position"/> passed: completes captures of file heads in them.</summary>
    public void Observe(StreamDirection direction, long position, ReadOnlySequence<byte> bytes)
    {
        lock (_lock)
        {
            for (var i = _captures.Count - 1; i >= 0; i--)
            {
                var capture = _captures[i];
                if (capture.Direction == direction && capture.Take(position, bytes))
                {
                    _captures.RemoveAt(i);
                    Decide(capture.File, DiskImage.Detect(capture.Head));
                    if (capture.File.Format is not null)
                    {
                        ProtocolLog.ImageDetected(_logger, _flowId, _protocol, capture.File.Name, capture.File.FormatName);
                    }
                }
            }
        }
    }

    /// <summary>Calls <paramref name="cut"/>, in ascending order, at the file-data boundaries in stream positions (<paramref name="from"/>, <paramref name="to"/>].</summary>
    public void CutsWithin(StreamDirection direction, long from, long to, Action<long> cut)
    {
        lock (_lock)
        {
            foreach (var region in _regions[(int)direction])
            {
                if (region.StreamOffset > to)
                {
                    break;
                }

                if (region.End <= from)
                {
                    continue;
                }

                // Only at aligned file offsets (a payload's edges too when aligned): a cut at an unaligned edge would
                // cost a second unmatched chunk there, where letting the chunk take the framing bytes costs one.
                var first = (region.FileOffset + _anchorBytes - 1) / _anchorBytes * _anchorBytes;
                for (var at = region.StreamOffset + (first - region.FileOffset); at <= region.End; at += _anchorBytes)
                {
                    Cut(at, from, to, cut);
                }
            }
        }
    }

    /// <summary>
    /// Stream range [<paramref name="from"/>, <paramref name="to"/>) of <paramref name="direction"/> crossed the WAN as
    /// <paramref name="wanBytes"/>: each file in it gets its share; ranges before <paramref name="to"/> are then forgotten.
    /// </summary>
    public void Attribute(StreamDirection direction, long from, long to, long wanBytes)
    {
        if (to <= from)
        {
            return;
        }

        lock (_lock)
        {
            var regions = _regions[(int)direction];
            foreach (var region in regions)
            {
                if (region.StreamOffset >= to)
                {
                    break;
                }

                var overlap = Math.Min(region.End, to) - Math.Max(region.StreamOffset, from);
                if (overlap > 0)
                {
                    region.File.AddWan((double)wanBytes * overlap / (to - from));
                }
            }

            while (regions.TryPeek(out var done) && done.End <= to)
            {
                regions.Dequeue();
            }
        }
    }

    /// <summary>The connection ended: every file still open ends with it.</summary>
    public void Complete()
    {
        lock (_lock)
        {
            foreach (var capture in _captures)
            {
                Decide(capture.File, DiskImage.Detect(capture.Head));
            }

            _captures.Clear();
            foreach (var tracked in _files.Values)
            {
                End(tracked);
            }

            _files.Clear();
        }
    }

    private static void Cut(long at, long from, long to, Action<long> cut)
    {
        if (at > from && at <= to)
        {
            cut(at);
        }
    }

    private static ImageFormat? ByName(string name)
    {
        var extension = Path.GetExtension(name.Replace('\\', '/'));
        return Array.Exists(ImageExtensions, e => e.Equals(extension, StringComparison.OrdinalIgnoreCase))
            ? extension.ToLowerInvariant() switch
            {
                ".vhd" => ImageFormat.Vhd,
                ".vhdx" => ImageFormat.Vhdx,
                ".vmdk" => ImageFormat.Vmdk,
                ".vdi" => ImageFormat.Vdi,
                ".qcow2" or ".qcow" => ImageFormat.Qcow2,
                _ => ImageFormat.Raw,
            }
            : null;
    }

    private void Decide(TrackedFile file, ImageFormat? format) => file.Decide(format, _totals.For(_protocol, format is not null));

    private void End(TrackedFile file)
    {
        if (file.Totals is null)
        {
            Decide(file, ByName(file.Name));
        }

        file.Totals!.AddFile();
        var wan = (long)file.WanBytes;
        var bytes = file.ReadBytes + file.WrittenBytes;
        if (bytes > 0)
        {
            var reduction = (double)bytes / Math.Max(1, wan);
            ProtocolLog.FileEnded(_logger, _flowId, _protocol, file.Name, file.FormatName, file.ReadBytes, file.WrittenBytes, wan, reduction);
        }
    }

    /// <summary>Stream bytes [StreamOffset, End) of one direction are the file's bytes from FileOffset.</summary>
    private readonly record struct DataRegion(TrackedFile File, long StreamOffset, long FileOffset, int Length)
    {
        public long End => StreamOffset + Length;
    }

    /// <summary>Collects the first bytes of a file's data, wherever the stream splits them.</summary>
    private sealed class HeadCapture(TrackedFile file, StreamDirection direction, long streamOffset, int length)
    {
        private readonly byte[] _head = new byte[length];
        private int _filled;

        public TrackedFile File => file;

        public StreamDirection Direction => direction;

        public ReadOnlySpan<byte> Head => _head.AsSpan(0, _filled);

        /// <summary>Copies what <paramref name="bytes"/> (at <paramref name="position"/>) holds of the head; true once complete.</summary>
        public bool Take(long position, ReadOnlySequence<byte> bytes)
        {
            var next = streamOffset + _filled;
            var end = position + bytes.Length;
            if (next >= position && next < end)
            {
                var n = (int)Math.Min(_head.Length - _filled, end - next);
                bytes.Slice(next - position, n).CopyTo(_head.AsSpan(_filled));
                _filled += n;
            }

            return _filled == _head.Length || end > streamOffset + _head.Length;
        }
    }
}
