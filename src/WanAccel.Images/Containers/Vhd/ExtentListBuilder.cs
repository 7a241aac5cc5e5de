namespace WanAccel.Images.Containers.Vhd;

/// <summary>
/// Appends extents in ascending order and merges a new extent into the previous one when they touch and are the
/// same kind and layer (allocated extents also need contiguous file offsets).
/// Shared helper: format-neutral, lives here until the lead lifts it to Containers/.
/// </summary>
internal sealed class ExtentListBuilder
{
    private readonly List<DiskExtent> _extents = [];

    public IReadOnlyList<DiskExtent> Extents => _extents;

    public void Add(long offset, long length, ExtentKind kind, long fileOffset = -1, int layer = 0)
    {
        if (length <= 0)
        {
            return;
        }

        if (kind != ExtentKind.Allocated)
        {
            fileOffset = -1;
        }

        if (_extents.Count > 0)
        {
            var last = _extents[^1];
            if (last.End == offset && last.Kind == kind && last.Layer == layer
                && (kind != ExtentKind.Allocated || (last.FileOffset >= 0 && fileOffset >= 0 && last.FileOffset + last.Length == fileOffset)))
            {
                _extents[^1] = last with { Length = last.Length + length };
                return;
            }
        }

        _extents.Add(new DiskExtent(offset, length, kind, fileOffset, layer));
    }

    public void Add(DiskExtent extent) => Add(extent.Offset, extent.Length, extent.Kind, extent.FileOffset, extent.Layer);

    /// <summary>
    /// Replaces every <see cref="ExtentKind.Unallocated"/> range of <paramref name="own"/> with what
    /// <paramref name="parent"/> maps there (layers shifted by one); ranges past the parent's end stay unallocated.
    /// </summary>
    public static IReadOnlyList<DiskExtent> Overlay(IReadOnlyList<DiskExtent> own, IReadOnlyList<DiskExtent> parent)
    {
        var result = new ExtentListBuilder();
        var p = 0;
        foreach (var e in own)
        {
            if (e.Kind != ExtentKind.Unallocated)
            {
                result.Add(e);
                continue;
            }

            var pos = e.Offset;
            while (p < parent.Count && parent[p].End <= pos)
            {
                p++;
            }

            for (var i = p; i < parent.Count && pos < e.End; i++)
            {
                var pe = parent[i];
                if (pe.Offset >= e.End)
                {
                    break;
                }

                if (pe.Offset > pos)
                {
                    result.Add(pos, pe.Offset - pos, ExtentKind.Unallocated);
                    pos = pe.Offset;
                }

                var end = Math.Min(pe.End, e.End);
                if (end > pos)
                {
                    var skip = pos - pe.Offset;
                    if (pe.Kind == ExtentKind.Unallocated)
                    {
                        result.Add(pos, end - pos, ExtentKind.Unallocated);
                    }
                    else
                    {
                        result.Add(pos, end - pos, pe.Kind, pe.FileOffset >= 0 ? pe.FileOffset + skip : -1, pe.Layer + 1);
                    }

                    pos = end;
                }
            }

            result.Add(pos, e.End - pos, ExtentKind.Unallocated);
        }

        return result.Extents;
    }
}
