using WanAccel.Images.Containers.Shared;

namespace WanAccel.Images.Containers.Qcow2;

/// <summary>The allocation map, from L1/L2 tables only: whole unallocated L1 entries are skipped in one step.</summary>
internal sealed partial class Qcow2Disk
{
    public IReadOnlyList<DiskExtent> GetAllocationMap()
    {
        var builder = new ExtentMapBuilder();
        var bytesPerL2 = _header.BytesPerL2;
        for (var l1Index = 0; l1Index < _l1.Length; l1Index++)
        {
            var l2Start = l1Index * bytesPerL2;
            var span = Math.Min(bytesPerL2, Length - l2Start);
            if (span <= 0)
            {
                break;
            }

            var table = GetL2(l1Index);
            if (table is null)
            {
                builder.Add(l2Start, span, ExtentKind.Unallocated);
                continue;
            }

            var clusters = (int)((span + _clusterSize - 1) / _clusterSize);
            for (var c = 0; c < clusters; c++)
            {
                var clusterStart = l2Start + (c * _clusterSize);
                var entry = _header.ExtendedL2 ? table[c * 2] : table[c];
                var bitmap = _header.ExtendedL2 ? table[(c * 2) + 1] : 0;
                if (!_header.ExtendedL2 || (entry & CompressedFlag) != 0)
                {
                    AddUnit(builder, clusterStart, _clusterSize, Classify(entry, bitmap, 0));
                    continue;
                }

                for (var sub = 0; sub < SubclustersPerCluster && clusterStart + (sub * _subclusterSize) < Length; sub++)
                {
                    AddUnit(builder, clusterStart + (sub * _subclusterSize), _subclusterSize, Classify(entry, bitmap, sub));
                }
            }
        }

        return LayeredExtentMap.Resolve(builder.Build(Length), _backing, Length);
    }

    private void AddUnit(ExtentMapBuilder builder, long offset, long size, Unit unit)
    {
        size = Math.Min(size, Length - offset);
        switch (unit.Kind)
        {
            case UnitKind.Data:
                builder.Add(offset, size, ExtentKind.Allocated, unit.Host);
                break;
            case UnitKind.Compressed:
                builder.Add(offset, size, ExtentKind.Allocated, -1);
                break;
            case UnitKind.Zero:
                builder.Add(offset, size, ExtentKind.Zero);
                break;
            default:
                builder.Add(offset, size, ExtentKind.Unallocated);
                break;
        }
    }
}
