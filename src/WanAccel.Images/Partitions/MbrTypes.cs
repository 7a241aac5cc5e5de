namespace WanAccel.Images.Partitions;

/// <summary>Names of common MBR partition type bytes.</summary>
internal static class MbrTypes
{
    public static string Name(byte type) => $"0x{type:x2} " + type switch
    {
        0x01 => "FAT12",
        0x04 or 0x06 or 0x0E => "FAT16",
        0x07 => "NTFS/exFAT",
        0x0B or 0x0C => "FAT32",
        0x27 => "Windows RE",
        0x82 => "Linux swap",
        0x83 => "Linux",
        0x8E => "Linux LVM",
        0xA5 => "FreeBSD",
        0xEE => "GPT protective",
        0xEF => "EFI System",
        0xFD => "Linux RAID",
        _ => "unknown",
    };
}
