namespace WanAccel.Images.Partitions;

/// <summary>Names of common GPT partition type GUIDs; others print as the GUID.</summary>
internal static class GptTypes
{
    private static readonly Dictionary<Guid, string> s_names = new()
    {
        [new Guid("C12A7328-F81F-11D2-BA4B-00A0C93EC93B")] = "EFI System",
        [new Guid("21686148-6449-6E6F-744E-656564454649")] = "BIOS boot",
        [new Guid("E3C9E316-0B5C-4DB8-817D-F92DF00215AE")] = "Microsoft reserved",
        [new Guid("EBD0A0A2-B9E5-4433-87C0-68B6B72699C7")] = "Microsoft basic data",
        [new Guid("DE94BBA4-06D1-4D40-A16A-BFD50179D6AC")] = "Windows recovery",
        [new Guid("5808C8AA-7E8F-42E0-85D2-E1E90434CFB3")] = "Windows LDM metadata",
        [new Guid("AF9B60A0-1431-4F62-BC68-3311714A69AD")] = "Windows LDM data",
        [new Guid("0FC63DAF-8483-4772-8E79-3D69D8477DE4")] = "Linux filesystem",
        [new Guid("4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709")] = "Linux root (x86-64)",
        [new Guid("933AC7E1-2EB4-4F13-B844-0E14E2AEF915")] = "Linux home",
        [new Guid("BC13C2FF-59E6-4262-A352-B275FD6F7172")] = "Linux extended boot",
        [new Guid("0657FD6D-A4AB-43C4-84E5-0933C84B4F4F")] = "Linux swap",
        [new Guid("E6D6D379-F507-44C2-A23C-238F2A3DF928")] = "Linux LVM",
        [new Guid("A19D880F-05FC-4D3B-A006-743F0F84911E")] = "Linux RAID",
        [new Guid("48465300-0000-11AA-AA11-00306543ECAC")] = "Apple HFS+",
        [new Guid("7C3457EF-0000-11AA-AA11-00306543ECAC")] = "Apple APFS",
        [new Guid("516E7CB4-6ECF-11D6-8FF8-00022D09712B")] = "FreeBSD data",
    };

    public static string Name(Guid type) => s_names.TryGetValue(type, out var name) ? name : type.ToString("D").ToUpperInvariant();
}
