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
            CapacityBytes = 1000,
            FlushMode = ChunkStoreFlushMode.Periodic,
            FlushInterval = TimeSpan.Zero,
        };

        var errors = options.Validate();

        Assert.Equal(4, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("Path"));
        Assert.Contains(errors, e => e.StartsWith("SegmentBytes"));
        Assert.Contains(errors, e => e.StartsWith("CapacityBytes"));
        Assert.Contains(errors, e => e.StartsWith("FlushInterval"));
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
