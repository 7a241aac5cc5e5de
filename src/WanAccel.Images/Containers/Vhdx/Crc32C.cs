using System.Buffers.Binary;
using System.Numerics;

namespace WanAccel.Images.Containers.Vhdx;

/// <summary>CRC-32C (Castagnoli) as VHDX uses it: init 0xFFFFFFFF, final complement. Hardware CRC32 instruction when present.</summary>
internal static class Crc32C
{
    /// <summary>CRC of <paramref name="data"/> with the 4-byte field at <paramref name="checksumAt"/> taken as zero.</summary>
    public static uint Compute(ReadOnlySpan<byte> data, int checksumAt)
    {
        var crc = Update(uint.MaxValue, data[..checksumAt]);
        crc = BitOperations.Crc32C(crc, 0u);
        crc = Update(crc, data[(checksumAt + 4)..]);
        return ~crc;
    }

    public static bool Verify(ReadOnlySpan<byte> data, int checksumAt)
        => data.Length >= checksumAt + 4 && Compute(data, checksumAt) == BinaryPrimitives.ReadUInt32LittleEndian(data[checksumAt..]);

    private static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        foreach (var b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return crc;
    }
}
