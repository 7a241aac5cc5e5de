using System.Buffers.Binary;
using WanAccel.Images.Containers.Vhdx;
using WanAccel.Images.Tests.Containers.Vhd;
using WanAccel.Images.Tests.Support;
using Xunit.Abstractions;

namespace WanAccel.Images.Tests.Containers.Vhdx;

/// <summary>
/// Mutation fuzzing of qemu-made dynamic, hand-made differencing and dirty-log VHDX files: mutations target the
/// headers, region tables, metadata, BAT and log; half the executions re-seal the CRC-32C fields so mutations
/// reach the parsers behind them. Only ImageFormatException may come out.
/// </summary>
public sealed class VhdxFuzzTests(ITestOutputHelper output)
{
    private const int Executions = 5000;
    private static readonly TimeSpan s_budget = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("dynamic", 11)]
    [InlineData("differencing", 12)]
    [InlineData("dirty-log", 13)]
    public void Open_MutatedVhdx_OnlyTypedErrors(string kind, int randomSeed)
    {
        using var dir = new TempDir();
        string seedPath;
        if (kind == "dynamic")
        {
            var raw = dir.File("src.raw");
            SampleRaw.Patterned(raw, 16L << 20, seed: randomSeed, blocks: 6);
            seedPath = dir.File("seed.vhdx");
            Tool.Run("qemu-img", "convert", "-f", "raw", "-O", "vhdx", "-o", "block_size=1M", raw, seedPath);
        }
        else if (kind == "differencing")
        {
            var parent = VhdxDifferencingTests.CreateParent(dir, out var linkage);
            seedPath = VhdxDifferencingTests.CreateChild(dir, parent, [("parent_linkage", linkage.ToString("B")), ("relative_path", "parent.vhdx")]).Path;
        }
        else
        {
            seedPath = VhdxLogTests.CreateDirty(dir, corruptEntry: false).Path;
        }

        var seed = File.ReadAllBytes(seedPath);
        var file = new VhdxTestFile(seed);
        var (logOffset, _) = file.Log;
        var targets = new (long, long)[]
        {
            (0, 16), (64 * 1024, 96), (128 * 1024, 96), (192 * 1024, 96), (256 * 1024, 96),
            (file.MetadataOffset, 256), (file.MetadataOffset + (64 * 1024), 1024), (file.BatOffset, 8 * 32),
            ((long)logOffset, 8192),
        };
        var result = MutationFuzzer.RunTargeted(dir.File("fuzz.vhdx"), seed, targets, b => Seal(b, (long)logOffset), randomSeed, Executions, s_budget);

        output.WriteLine($"VHDX {kind}: {result.Executions} executions ran clean ({result.Opened} opened, {result.Rejected} rejected: {string.Join(", ", result.Errors.Select(e => $"{e.Key}={e.Value}"))})");
        Assert.True(result.Executions >= 200, $"only {result.Executions} executions");
        Assert.True(result.Opened > 0 && result.Rejected > 0);
    }

    /// <summary>Re-seals both headers, both region tables and a log entry at the start of the log.</summary>
    private static IEnumerable<(long Offset, int Length)> Seal(byte[] b, long logOffset)
    {
        var ranges = new List<(long, int)>();
        foreach (var (at, size) in new[] { (64 * 1024, 4096), (128 * 1024, 4096), (192 * 1024, 65536), (256 * 1024, 65536) })
        {
            SealAt(b, at, size);
            ranges.Add((at, size));
        }

        if (logOffset > 0 && logOffset + 8192 <= b.Length && b.AsSpan((int)logOffset, 4).SequenceEqual("loge"u8))
        {
            var length = BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan((int)logOffset + 8));
            if (length is >= 4096 and <= 8192)
            {
                SealAt(b, (int)logOffset, (int)length);
                ranges.Add((logOffset, (int)length));
            }
        }

        return ranges;
    }

    private static void SealAt(byte[] b, int at, int size)
    {
        var s = b.AsSpan(at, size);
        BinaryPrimitives.WriteUInt32LittleEndian(s[4..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(s[4..], Crc32C.Compute(s, 4));
    }
}
