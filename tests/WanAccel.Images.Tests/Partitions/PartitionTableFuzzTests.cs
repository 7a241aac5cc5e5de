using System.Buffers.Binary;
using System.IO.Hashing;
using WanAccel.Images.Containers;
using WanAccel.Images.Partitions;
using WanAccel.Images.Regions;
using WanAccel.Images.Tests.Support;
using Xunit.Abstractions;

namespace WanAccel.Images.Tests.Partitions;

public class PartitionTableFuzzTests(ITestOutputHelper output)
{
    private const int Executions = 10_000;
    private static readonly TimeSpan s_budget = TimeSpan.FromSeconds(40);

    [Fact]
    public void Read_MutatedGpt_OnlySucceedsOrThrowsImageFormatException()
    {
        using var tmp = new TempDir();
        var disk = tmp.File("gpt.img");
        GuestImages.CreateSparse(disk, 4L << 20);
        Tool.Run("sgdisk", "-n", "1:2048:4095", "-t", "1:8300", "-n", "2:4096:6143", "-t", "2:0700", "-n", "3:6144:0", disk);
        var bytes = File.ReadAllBytes(disk);
        (long, long)[] zones = [(0, 34 * 512), (bytes.Length - (33 * 512), 33 * 512)];

        // Half the executions re-seal the primary header's CRCs so mutations reach the checks behind them.
        var result = MutationFuzzer.RunInMemory(bytes, zones, s => PartitionTable.Read(s), 21, Executions, s_budget, (b, rng) =>
        {
            if (rng.Next(2) == 0)
            {
                Reseal(b);
            }
        });
        output.WriteLine($"gpt: {result}");
        Assert.True(result.Opened > 0, result.ToString()); // some mutants must get through to the deep checks
    }

    [Fact]
    public void Read_MutatedMbrWithEbrChain_OnlySucceedsOrThrowsImageFormatException()
    {
        using var tmp = new TempDir();
        var disk = tmp.File("mbr.img");
        GuestImages.CreateSparse(disk, 8L << 20);
        var script = tmp.File("layout");
        File.WriteAllText(script, "label: dos\nstart=2048, size=2048, type=83\nstart=4096, type=5\nstart=6144, size=2048, type=83\nstart=10240, size=2048, type=7\nstart=14336, size=1024, type=82\n");
        Tool.Run("sh", "-c", $"sfdisk -q '{disk}' < '{script}'");
        var bytes = File.ReadAllBytes(disk);

        // Sector 0 and every EBR (any sector ending in 0x55AA).
        var zones = Enumerable.Range(0, bytes.Length / 512).Where(s => bytes[(s * 512) + 510] == 0x55 && bytes[(s * 512) + 511] == 0xAA)
            .Select(s => ((long)s * 512, 512L)).ToArray();
        Assert.True(zones.Length >= 4);

        var result = MutationFuzzer.RunInMemory(bytes, zones, s => PartitionTable.Read(s), 22, Executions, s_budget);
        output.WriteLine($"mbr: {result}");
        Assert.True(result.Opened > 0, result.ToString()); // some mutants must get through to the deep checks
    }

    [Fact]
    public void Build_MutatedGptDiskWithFileSystems_OnlySucceedsOrThrowsImageFormatException()
    {
        using var tmp = new TempDir();
        var disk = tmp.File("disk.img");
        GuestImages.CreateSparse(disk, 24L << 20);
        Tool.Run("sgdisk", "-n", "1:2048:18431", "-t", "1:8300", "-n", "2:18432:0", "-t", "2:0700", disk);
        var tree = Directory.CreateDirectory(tmp.File("t")).FullName;
        File.WriteAllBytes(Path.Combine(tree, "a.bin"), new byte[50_000]);
        var ext = tmp.File("ext.img");
        GuestImages.MakeExt(ext, tree, "8M");
        var ntfs = tmp.File("ntfs.img");
        GuestImages.MakeNtfs(ntfs, 8L << 20, 4096);
        GuestImages.WriteAt(disk, 2048 * 512, ext);
        GuestImages.WriteAt(disk, 18432 * 512, ntfs);
        var bytes = File.ReadAllBytes(disk);
        (long, long)[] zones = [(0, 34 * 512), ((2048 * 512) + 1024, 2048), ((2048 * 512) + (259 * 1024), 2048), (18432 * 512, 512), ((18432 * 512) + (4 * 4096), 7 * 1024)];
        var alloc = new[] { new DiskExtent(0, bytes.Length, ExtentKind.Allocated, 0) };

        var result = MutationFuzzer.RunInMemory(bytes, zones, s =>
        {
            var map = DiskRegionMap.Build(s, alloc.Select(a => a with { Length = Math.Min(a.Length, s.Length) }).ToArray());
            Assert.Equal(s.Length, map.Regions.Sum(r => r.Length));
        }, 23, Executions, s_budget, (b, rng) =>
        {
            if (rng.Next(2) == 0)
            {
                Reseal(b);
            }
        });
        output.WriteLine($"disk map: {result}");
        Assert.True(result.Opened > 0, result.ToString()); // some mutants must get through to the deep checks
    }

    /// <summary>Recomputes the primary GPT array and header CRC32s (when the header's own fields keep them in bounds).</summary>
    private static void Reseal(byte[] b)
    {
        var h = b.AsSpan(512, 512);
        var size = BinaryPrimitives.ReadUInt32LittleEndian(h[12..]);
        var arrayLba = BinaryPrimitives.ReadUInt64LittleEndian(h[72..]);
        var count = BinaryPrimitives.ReadUInt32LittleEndian(h[80..]);
        var entry = BinaryPrimitives.ReadUInt32LittleEndian(h[84..]);
        var arrayBytes = (ulong)count * entry;
        if (arrayLba < (ulong)(b.Length / 512) && arrayBytes <= (ulong)b.Length - (arrayLba * 512))
        {
            BinaryPrimitives.WriteUInt32LittleEndian(h[88..], Crc32.HashToUInt32(b.AsSpan((int)arrayLba * 512, (int)arrayBytes)));
        }

        if (size is >= 92 and <= 512)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(h[16..], 0);
            BinaryPrimitives.WriteUInt32LittleEndian(h[16..], Crc32.HashToUInt32(h[..(int)size]));
        }
    }
}
