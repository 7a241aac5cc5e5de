using WanAccel.Appliance.Protocols;

namespace WanAccel.Appliance.Tests.Protocols.Smb;

/// <summary>The check that makes FileData events trustworthy: the stream bytes they name are the file's bytes.</summary>
internal static class DataOracle
{
    /// <summary>For every FileData event: stream bytes [streamOffset, +length) of its direction equal <paramref name="content"/>'s bytes [fileOffset, +length).</summary>
    public static void AssertEveryRangeHolds(ConnectionCapture capture, IEnumerable<ParserEvent.Data> data, Func<UInt128, byte[]> content)
    {
        foreach (var d in data)
        {
            Assert.Equal(d.Kind == FileDataKind.Write ? StreamDirection.ToServer : StreamDirection.ToClient, d.Direction);
            var stream = capture.Stream(d.Direction);
            var file = content(d.File);
            Assert.True(d.StreamOffset + d.Length <= stream.Length, $"{d} runs past the {d.Direction} stream ({stream.Length} B)");
            Assert.True(d.FileOffset + d.Length <= file.Length, $"{d} runs past the file ({file.Length} B)");
            Assert.True(
                stream.Span.Slice((int)d.StreamOffset, d.Length).SequenceEqual(file.AsSpan((int)d.FileOffset, d.Length)),
                $"{d}: stream bytes differ from the file's");
        }
    }

    /// <summary>Asserts the ranges of <paramref name="data"/> together cover [0, <paramref name="length"/>) exactly.</summary>
    public static void AssertCovers(IEnumerable<ParserEvent.Data> data, long length)
    {
        var covered = 0L;
        foreach (var d in data.OrderBy(d => d.FileOffset))
        {
            Assert.True(d.FileOffset <= covered, $"gap before {d} (covered up to {covered})");
            covered = Math.Max(covered, d.FileOffset + d.Length);
        }

        Assert.Equal(length, covered);
    }
}
