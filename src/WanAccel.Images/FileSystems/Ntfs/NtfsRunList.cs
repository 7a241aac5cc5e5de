namespace WanAccel.Images.FileSystems.Ntfs;

/// <summary>
/// Decodes mapping pairs: a header byte (low nibble = size of the length field, high nibble = size of the signed LCN delta,
/// 0 = sparse), then the fields little-endian; a 0 header ends the list.
/// </summary>
internal static class NtfsRunList
{
    public static List<NtfsRun> Decode(ReadOnlySpan<byte> pairs, long firstVcn, long clusterCount)
    {
        var runs = new List<NtfsRun>();
        var pos = 0;
        var vcn = firstVcn;
        long lcn = 0;
        while (pos < pairs.Length && pairs[pos] != 0)
        {
            var lenSize = pairs[pos] & 0xF;
            var offSize = pairs[pos] >> 4;
            pos++;
            if (lenSize == 0 || lenSize > 8 || offSize > 8 || pos + lenSize + offSize > pairs.Length)
            {
                throw new ImageFormatException(ImageError.Corrupt, "ntfs: malformed run list");
            }

            var length = ReadSigned(pairs.Slice(pos, lenSize));
            pos += lenSize;
            if (length <= 0 || length > clusterCount || vcn > long.MaxValue - length)
            {
                throw new ImageFormatException(ImageError.Corrupt, $"ntfs: run of {length} clusters invalid");
            }

            if (offSize == 0)
            {
                runs.Add(new NtfsRun(vcn, -1, length));
            }
            else
            {
                var delta = ReadSigned(pairs.Slice(pos, offSize));
                pos += offSize;
                lcn += delta;
                if (lcn < 0 || lcn > clusterCount - length)
                {
                    throw new ImageFormatException(ImageError.Corrupt, $"ntfs: run [{lcn}, +{length}) points outside the volume ({clusterCount} clusters)");
                }

                runs.Add(new NtfsRun(vcn, lcn, length));
            }

            vcn += length;
        }

        return runs;
    }

    private static long ReadSigned(ReadOnlySpan<byte> bytes)
    {
        long v = 0;
        for (var i = bytes.Length - 1; i >= 0; i--)
        {
            v = (v << 8) | bytes[i];
        }

        var shift = 64 - (8 * bytes.Length);
        return shift == 0 ? v : (v << shift) >> shift;
    }
}
