using WanAccel.Images.FileSystems;
using WanAccel.Images.FileSystems.Ext;
using WanAccel.Images.FileSystems.Fat;
using WanAccel.Images.FileSystems.Xfs;
using WanAccel.Images.FileSystems.Ntfs;
using WanAccel.Images.Tests.Support;
using Xunit.Abstractions;

namespace WanAccel.Images.Tests.FileSystems;

public class FileSystemFuzzTests(ITestOutputHelper output)
{
    private const int Executions = 10_000;
    private static readonly TimeSpan s_budget = TimeSpan.FromSeconds(40);

    [Theory]
    [InlineData("-b 1024", 1)]                      // flex_bg + BLOCK_UNINIT + 64bit + metadata_csum
    [InlineData("-b 4096 -O ^flex_bg,^64bit", 2)]
    [InlineData("-b 1024 -O meta_bg,^resize_inode", 3)]
    public void Read_MutatedExt_OnlySucceedsOrThrowsImageFormatException(string options, int seed)
    {
        using var tmp = new TempDir();
        var img = tmp.File("ext.img");
        var tree = Directory.CreateDirectory(tmp.File("t")).FullName;
        File.WriteAllBytes(Path.Combine(tree, "a.bin"), new byte[100_000]);
        GuestImages.MakeExt(img, tree, "8M", options.Split(' '));
        var bytes = File.ReadAllBytes(img);
        var volume = ExtReader.Read(new MemoryByteSource(bytes));
        var bs = volume.Superblock.BlockSize;

        // Superblock, the first descriptor blocks, and the block bitmaps.
        var bitmapStart = (int)(BitConverter.ToUInt32(bytes, (int)((volume.Superblock.FirstDataBlock + 1) * bs)) * bs);
        (long, long)[] zones = [(1024, 1024), ((int)(volume.Superblock.FirstDataBlock + 1) * bs, bs), (bitmapStart, 2 * bs)];

        var result = MutationFuzzer.RunInMemory(bytes, zones, s => GuestFileSystems.Read(s), seed, Executions, s_budget);
        output.WriteLine($"ext {options}: {result}");
        Assert.True(result.Opened > 0, result.ToString()); // some mutants must get through to the deep checks
    }

    [Theory]
    [InlineData(4096, 11)]
    [InlineData(512, 12)]
    public void Read_MutatedNtfs_OnlySucceedsOrThrowsImageFormatException(int cluster, int seed)
    {
        using var tmp = new TempDir();
        var img = tmp.File("ntfs.img");
        var file = tmp.File("a.bin");
        File.WriteAllBytes(file, new byte[100_000]);
        GuestImages.MakeNtfs(img, 8L << 20, cluster, file);
        var bytes = File.ReadAllBytes(img);
        var volume = NtfsReader.Read(new MemoryByteSource(bytes));
        var mft = (int)(volume.Boot.MftLcn * volume.Boot.ClusterSize);

        // Boot sector, MFT records 0-6 ($MFT ... $Bitmap), and the start of the bitmap itself.
        (long, long)[] zones = [(0, 512), (mft, 7 * volume.Boot.MftRecordSize), (mft + (6 * volume.Boot.MftRecordSize), volume.Boot.MftRecordSize)];

        var result = MutationFuzzer.RunInMemory(bytes, zones, s => GuestFileSystems.Read(s), seed, Executions, s_budget);
        output.WriteLine($"ntfs {cluster}: {result}");
        Assert.True(result.Opened > 0, result.ToString()); // some mutants must get through to the deep checks
    }

    [ToolTheory("mkfs.fat")]
    [InlineData(12, "2M", 31)]
    [InlineData(16, "32M", 32)]
    [InlineData(32, "64M", 33)]
    public void Read_MutatedFat_OnlySucceedsOrThrowsImageFormatException(int bits, string size, int seed)
    {
        using var tmp = new TempDir();
        var img = tmp.File("fat.img");
        Tool.Run("truncate", "-s", size, img);
        Tool.Run("mkfs.fat", "-F", bits.ToString(System.Globalization.CultureInfo.InvariantCulture), img);
        var bytes = File.ReadAllBytes(img);
        var volume = FatReader.Read(new MemoryByteSource(bytes));
        (long, long)[] zones = [(0, 512), ((int)volume.Boot.ReservedSectors * volume.Boot.BytesPerSector, 4096)];

        var result = MutationFuzzer.RunInMemory(bytes, zones, s => GuestFileSystems.Read(s), seed, Executions, s_budget);
        output.WriteLine($"fat{bits}: {result}");
        Assert.True(result.Opened > 0, result.ToString()); // some mutants must get through to the deep checks
    }

    [ToolTheory("mkfs.xfs")]
    [InlineData("", 41)]
    [InlineData("-m crc=0", 42)]
    public void Read_MutatedXfs_OnlySucceedsOrThrowsImageFormatException(string options, int seed)
    {
        using var tmp = new TempDir();
        var img = XfsReaderTests.MakeXfs(tmp, "32M", ["-d", "agcount=2", .. options.Split(' ', StringSplitOptions.RemoveEmptyEntries)]);
        var bytes = File.ReadAllBytes(img);
        var volume = XfsReader.Read(new MemoryByteSource(bytes));
        var bs = volume.Superblock.BlockSize;
        var ag1 = (int)(volume.Superblock.AgBlocks * bs);

        // Superblock + AGF + AGI + AGFL sectors and the first btree blocks of both AGs.
        (long, long)[] zones = [(0, 4 * 512), (bs, 2 * bs), (ag1, 4 * 512), (ag1 + bs, 2 * bs)];

        var result = MutationFuzzer.RunInMemory(bytes, zones, s => GuestFileSystems.Read(s), seed, Executions, s_budget);
        output.WriteLine($"xfs {options}: {result}");
        Assert.True(result.Opened > 0, result.ToString()); // some mutants must get through to the deep checks
    }
}
