using System.Buffers.Binary;
using System.IO.Hashing;
using WanAccel.Images.IO;

namespace WanAccel.Images.Partitions;

/// <summary>
/// GUID partition table (UEFI 2.10 §5.3): header at LBA 1 with CRC32 over the header and over the entry array;
/// when the primary is unreadable the backup header at the last LBA is used.
/// </summary>
internal static class GptReader
{
    /// <summary>Largest entry array accepted: 1 MiB (the spec's minimum is 16 KiB; real tables use 16 KiB).</summary>
    public const int MaxArrayBytes = 1 << 20;

    private static ReadOnlySpan<byte> Signature => "EFI PART"u8;

    /// <summary>True for a protective MBR (type 0xEE) or a GPT signature at LBA 1.</summary>
    public static bool IsPresent(IByteSource disk, ReadOnlySpan<byte> mbr)
    {
        if (mbr[510] == 0x55 && mbr[511] == 0xAA)
        {
            for (var i = 0; i < 4; i++)
            {
                if (mbr[446 + (i * 16) + 4] == 0xEE)
                {
                    return true;
                }
            }
        }

        return HasSignatureAt(disk, 512) || HasSignatureAt(disk, 4096);
    }

    public static IReadOnlyList<Partition> Read(IByteSource disk)
    {
        var lba = !HasSignatureAt(disk, 512) && HasSignatureAt(disk, 4096) ? 4096 : 512;
        var lastLba = (disk.Length / lba) - 1;
        ImageFormatException primaryError;
        try
        {
            return ReadAt(disk, lba, 1, lastLba);
        }
        catch (ImageFormatException ex)
        {
            primaryError = ex;
        }

        try
        {
            return ReadAt(disk, lba, lastLba, lastLba);
        }
        catch (ImageFormatException backupError)
        {
            throw new ImageFormatException(primaryError.Error, $"GPT: primary header unusable ({primaryError.Message}); backup header unusable ({backupError.Message})");
        }
    }

    private static bool HasSignatureAt(IByteSource disk, long offset)
    {
        Span<byte> sig = stackalloc byte[8];
        return disk.Length >= offset + 512 && disk.ReadAt(offset, sig) == 8 && sig.SequenceEqual(Signature);
    }

    private static List<Partition> ReadAt(IByteSource disk, int lba, long headerLba, long lastLba)
    {
        if (headerLba < 1)
        {
            throw new ImageFormatException(ImageError.Truncated, "GPT: disk too small");
        }

        var header = new byte[lba];
        disk.ReadExactlyAt(headerLba * lba, header, $"GPT header at LBA {headerLba}");
        if (!header.AsSpan(0, 8).SequenceEqual(Signature))
        {
            throw new ImageFormatException(ImageError.Corrupt, $"no GPT signature at LBA {headerLba}");
        }

        var headerSize = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(12));
        if (headerSize < 92 || headerSize > lba)
        {
            throw new ImageFormatException(ImageError.Corrupt, $"GPT header size {headerSize} out of range");
        }

        var storedCrc = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(16));
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(16), 0);
        if (Crc32.HashToUInt32(header.AsSpan(0, (int)headerSize)) != storedCrc)
        {
            throw new ImageFormatException(ImageError.Corrupt, $"GPT header CRC32 mismatch at LBA {headerLba}");
        }

        var myLba = BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(24));
        var firstUsable = BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(40));
        var lastUsable = BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(48));
        var arrayLba = BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(72));
        var count = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(80));
        var entrySize = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(84));
        var arrayCrc = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(88));
        if (myLba != (ulong)headerLba)
        {
            throw new ImageFormatException(ImageError.Corrupt, $"GPT header at LBA {headerLba} says it is at LBA {myLba}");
        }

        if (entrySize < 128 || entrySize % 8 != 0 || entrySize > 4096)
        {
            throw new ImageFormatException(ImageError.Corrupt, $"GPT entry size {entrySize} invalid");
        }

        if ((ulong)count * entrySize > MaxArrayBytes)
        {
            throw new ImageFormatException(ImageError.LimitExceeded, $"GPT: {count} entries of {entrySize} bytes exceed {MaxArrayBytes} bytes");
        }

        if (firstUsable > lastUsable || lastUsable > (ulong)lastLba || arrayLba > (ulong)lastLba)
        {
            throw new ImageFormatException(ImageError.Truncated, $"GPT: usable LBAs [{firstUsable}, {lastUsable}] or array LBA {arrayLba} outside the disk ({lastLba + 1} sectors)");
        }

        var array = new byte[count * entrySize];
        disk.ReadExactlyAt((long)arrayLba * lba, array, "GPT partition array");
        if (Crc32.HashToUInt32(array) != arrayCrc)
        {
            throw new ImageFormatException(ImageError.Corrupt, $"GPT partition array CRC32 mismatch (header at LBA {headerLba})");
        }

        var result = new List<Partition>();
        for (var i = 0; i < count; i++)
        {
            var e = array.AsSpan((int)(i * entrySize), (int)entrySize);
            var type = new Guid(e[..16]);
            if (type == Guid.Empty)
            {
                continue;
            }

            var first = BinaryPrimitives.ReadUInt64LittleEndian(e[32..]);
            var last = BinaryPrimitives.ReadUInt64LittleEndian(e[40..]);
            if (first > last || last > (ulong)lastLba)
            {
                throw new ImageFormatException(ImageError.Corrupt, $"GPT entry {i + 1}: LBAs [{first}, {last}] invalid for a disk of {lastLba + 1} sectors");
            }

            var name = System.Text.Encoding.Unicode.GetString(e.Slice(56, 72)).TrimEnd('\0');
            result.Add(new Partition(i + 1, (long)first * lba, (long)(last - first + 1) * lba, GptTypes.Name(type), PartitionScheme.Gpt, name));
        }

        result.Sort((a, b) => a.Offset.CompareTo(b.Offset));
        return result;
    }
}
