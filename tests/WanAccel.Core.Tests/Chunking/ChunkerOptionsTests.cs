using WanAccel.Core.Chunking;

namespace WanAccel.Core.Tests.Chunking;

public sealed class ChunkerOptionsTests
{
    [Fact]
    public void Constructor_Defaults_AreDocumentedSizes()
    {
        var options = new ChunkerOptions();

        Assert.Equal(2048, options.MinSize);
        Assert.Equal(8192, options.AverageSize);
        Assert.Equal(65536, options.MaxSize);
        Assert.Equal(4096, options.MinZeroRun);
    }

    [Fact]
    public void Validate_Defaults_ReturnsNoErrors()
    {
        Assert.Empty(new ChunkerOptions().Validate());
    }

    [Fact]
    public void Validate_EverySettingWrong_ListsEveryError()
    {
        var options = new ChunkerOptions
        {
            MinSize = 10,
            AverageSize = 3000,
            MaxSize = 2 * ChunkLimits.MaxChunkSize,
            MinZeroRun = 8,
        };

        var errors = options.Validate();

        Assert.Equal(4, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("MinSize must be at least", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("AverageSize must be a power of two", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("MaxSize must be at most", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("MinZeroRun must be between", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_SizesOutOfOrder_ReportsBothOrderings()
    {
        var options = new ChunkerOptions { MinSize = 16384, AverageSize = 8192, MaxSize = 4096 };

        var errors = options.Validate();

        Assert.Equal(2, errors.Count);
        Assert.Contains("MinSize (16384) must be less than AverageSize (8192).", errors);
        Assert.Contains("AverageSize (8192) must be less than MaxSize (4096).", errors);
    }

    [Theory]
    [InlineData(256, true)]
    [InlineData(4096, true)]
    [InlineData(128, false)]
    [InlineData(6000, false)]
    public void Validate_AverageSize_MustBePowerOfTwoAtLeast256(int average, bool valid)
    {
        var options = new ChunkerOptions { MinSize = 64, AverageSize = average, MaxSize = 65536 };

        Assert.Equal(valid, options.Validate().Count == 0);
    }

    [Fact]
    public void Validate_MaxSizeAtChunkLimit_IsAccepted()
    {
        var options = new ChunkerOptions { MaxSize = ChunkLimits.MaxChunkSize, MinZeroRun = ChunkLimits.MaxChunkSize };

        Assert.Empty(options.Validate());
    }
}
