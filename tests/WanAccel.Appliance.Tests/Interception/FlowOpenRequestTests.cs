using WanAccel.Appliance.Interception;

namespace WanAccel.Appliance.Tests.Interception;

/// <summary>The flow OPEN metadata: the optional NFS read-ahead field is only written when offered, and read when present.</summary>
public sealed class FlowOpenRequestTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(8 << 20)]
    public void RoundTrip_WithAndWithoutReadAhead(long readAhead)
    {
        var request = new FlowOpenRequest("filer:2049", "nfs", "nfs", readAhead);

        var parsed = FlowOpenRequest.TryParse(request.ToBytes(), out var error);

        Assert.Null(error);
        Assert.Equal(request, parsed);
    }

    [Fact]
    public void NoReadAhead_IsTheVersion1Layout_AnOlderCoreAccepts()
    {
        var plain = new FlowOpenRequest("filer:2049", "nfs", "nfs").ToBytes();
        var offered = new FlowOpenRequest("filer:2049", "nfs", "nfs", 1 << 20).ToBytes();

        Assert.Equal(plain, offered[..plain.Length]);
        Assert.True(offered.Length > plain.Length);
    }

    [Fact]
    public void ZeroOrTrailingAfterReadAhead_IsRefused()
    {
        var plain = new FlowOpenRequest("filer:2049", "nfs", "nfs").ToBytes();

        Assert.Null(FlowOpenRequest.TryParse([.. plain, 0], out var zero));
        Assert.Null(FlowOpenRequest.TryParse([.. new FlowOpenRequest("filer:2049", "nfs", "nfs", 5).ToBytes(), 1], out var trailing));
        Assert.NotNull(zero);
        Assert.NotNull(trailing);
    }
}
