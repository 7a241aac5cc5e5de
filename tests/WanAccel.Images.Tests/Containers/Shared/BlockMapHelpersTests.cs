using WanAccel.Images.Containers;
using WanAccel.Images.Containers.Shared;

namespace WanAccel.Images.Tests.Containers.Shared;

/// <summary>The shared helpers behind every reader's map: bitmap runs, extent merging and the parent overlay.</summary>
public sealed class BlockMapHelpersTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Run_MixedBitmap_MatchesBitByBitScan(bool msbFirst)
    {
        var rng = new Random(1);
        var bits = new byte[512];
        for (var i = 0; i < bits.Length; i++)
        {
            bits[i] = rng.Next(4) switch { 0 => 0x00, 1 => 0xFF, _ => (byte)rng.Next(256) };
        }

        const long sectors = 512 * 8;
        for (long s = 0; s < sectors;)
        {
            var run = SectorBitmap.Run(bits, s, sectors, msbFirst, out var value);
            Assert.True(run > 0);
            for (var k = s; k < s + run; k++)
            {
                Assert.Equal(value, SectorBitmap.Get(bits, k, msbFirst));
            }

            if (s + run < sectors)
            {
                Assert.NotEqual(value, SectorBitmap.Get(bits, s + run, msbFirst));
            }

            s += run;
        }
    }

    [Fact]
    public void Add_AdjacentSameKindAndContiguousFile_Merges()
    {
        var b = new ExtentMapBuilder();
        b.Add(0, 10, ExtentKind.Allocated, 100);
        b.Add(10, 10, ExtentKind.Allocated, 110);
        b.Add(20, 10, ExtentKind.Allocated, 500);
        b.Add(30, 5, ExtentKind.Zero);
        b.Add(35, 5, ExtentKind.Zero);

        Assert.Equal(
            [new DiskExtent(0, 20, ExtentKind.Allocated, 100), new DiskExtent(20, 10, ExtentKind.Allocated, 500), new DiskExtent(30, 10, ExtentKind.Zero)],
            b.Build(40));
    }

    [Fact]
    public void Resolve_UnallocatedHoles_FilledFromParentWithShiftedLayers()
    {
        DiskExtent[] own = [new(0, 100, ExtentKind.Unallocated), new(100, 50, ExtentKind.Allocated, 4096), new(150, 100, ExtentKind.Unallocated)];
        DiskExtent[] parent = [new(0, 40, ExtentKind.Allocated, 1000), new(40, 160, ExtentKind.Unallocated), new(200, 30, ExtentKind.Zero, -1, 1)];

        var result = LayeredExtentMap.Resolve(own, parent, 250);

        Assert.Equal(
            [
                new DiskExtent(0, 40, ExtentKind.Allocated, 1000, 1),
                new DiskExtent(40, 60, ExtentKind.Unallocated),
                new DiskExtent(100, 50, ExtentKind.Allocated, 4096),
                new DiskExtent(150, 50, ExtentKind.Unallocated),
                new DiskExtent(200, 30, ExtentKind.Zero, -1, 2),
                new DiskExtent(230, 20, ExtentKind.Unallocated),
            ],
            result);
    }
}
