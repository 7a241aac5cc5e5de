using WanAccel.Core.Storage;

namespace WanAccel.Core.Tests.Storage;

public sealed class ChunkStoreOptionsTests
{
    [Fact]
    public void Validate_Defaults_NoErrorsOnceAPathIsSet()
    {
        Assert.Empty(new ChunkStoreOptions { Path = "/tmp/x" }.Validate());
    }

    [Fact]
    public void Validate_SeveralMistakes_ListsEveryError()
    {
        var options = new ChunkStoreOptions
        {
            Path = " ",
            SegmentBytes = 1000,
            FlushMode = ChunkStoreFlushMode.Periodic,
            FlushInterval = TimeSpan.Zero,
        };

        var errors = options.Validate();

        Assert.Equal(3, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("Path"));
        Assert.Contains(errors, e => e.StartsWith("SegmentBytes"));
        Assert.Contains(errors, e => e.StartsWith("FlushInterval"));
    }

    [Fact]
    public void Validate_CapacityBelowTwoSegments_ListsCapacityAndOtherErrors()
    {
        var options = new ChunkStoreOptions { Path = "", CapacityBytes = 100_000, FlushMode = (ChunkStoreFlushMode)9 };

        var errors = options.Validate();

        Assert.Equal(3, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("CapacityBytes"));
    }

    [Theory]
    [InlineData(1L << 20, 64L << 10)]
    [InlineData(100L << 20, (100L << 20) / 16)]
    [InlineData(10L << 30, 64L << 20)]
    public void EffectiveSegmentBytes_Automatic_IsSixteenthOfCapacityClamped(long capacity, long expected)
    {
        var options = new ChunkStoreOptions { Path = "/tmp/x", CapacityBytes = capacity };

        Assert.Equal(expected, options.EffectiveSegmentBytes);
        Assert.Empty(options.Validate());
    }

    [Fact]
    public void Validate_TooManySegments_ReportsSegmentCount()
    {
        var options = new ChunkStoreOptions { Path = "/tmp/x", CapacityBytes = 2L << 40, SegmentBytes = 64 << 10 };

        Assert.Single(options.Validate(), e => e.Contains("CapacityBytes / SegmentBytes"));
    }

    [Fact]
    public void Open_InvalidOptions_ThrowsWithAllErrors()
    {
        var options = new ChunkStoreOptions { Path = "", SegmentBytes = 1, FlushMode = (ChunkStoreFlushMode)7 };

        var exception = Assert.Throws<ArgumentException>(() => LogChunkStore.Open(options));

        Assert.Contains("Path", exception.Message);
        Assert.Contains("SegmentBytes", exception.Message);
        Assert.Contains("FlushMode", exception.Message);
    }
}
