using System.Buffers.Binary;
using WanAccel.Images.Tests.Support;
using Xunit.Abstractions;

namespace WanAccel.Images.Tests.Containers.Vhd;

/// <summary>Mutation fuzzing of dynamic, differencing and fixed VHDs: only ImageFormatException may come out.</summary>
public sealed class VhdFuzzTests(ITestOutputHelper output)
{
    private const int Executions = 5000;
    private static readonly TimeSpan s_budget = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("dynamic", 1)]
    [InlineData("differencing", 2)]
    [InlineData("fixed", 3)]
    public void Open_MutatedVhd_OnlyTypedErrors(string kind, int randomSeed)
    {
        using var dir = new TempDir();
        var parent = new VhdBuilder { Size = 512 * 1024, BlockSize = 32 * 1024 };
        AddBlocks(parent, new Random(randomSeed), 0, 5, 15);
        var parentBytes = parent.Build();
        File.WriteAllBytes(dir.File("parent.vhd"), parentBytes);

        byte[] seed;
        if (kind == "fixed")
        {
            seed = new byte[(64 * 1024) + 512];
            new Random(randomSeed).NextBytes(seed.AsSpan(0, 64 * 1024));
            var footer = parentBytes.AsSpan(parentBytes.Length - 512).ToArray();
            BinaryPrimitives.WriteUInt64BigEndian(footer.AsSpan(48), 64 * 1024);
            BinaryPrimitives.WriteUInt32BigEndian(footer.AsSpan(60), 2);
            footer.CopyTo(seed, 64 * 1024);
            SealVhd(seed);
        }
        else
        {
            var builder = kind == "dynamic"
                ? new VhdBuilder { Size = 512 * 1024, BlockSize = 32 * 1024 }
                : new VhdBuilder { Size = 512 * 1024, BlockSize = 32 * 1024, ParentUniqueId = parent.UniqueId, ParentUnicodeName = "parent.vhd" };
            if (kind == "differencing")
            {
                builder.Locators.Add(("W2ru", @".\parent.vhd"));
                builder.Locators.Add(("W2ku", @"C:\x\parent.vhd"));
            }

            AddBlocks(builder, new Random(randomSeed + 100), 1, 5, 9);
            seed = builder.Build();
        }

        var targets = new (long, long)[] { (0, Math.Min(seed.Length, 4096)), (seed.Length - 512, 512) };
        var result = MutationFuzzer.RunTargeted(dir.File("fuzz.vhd"), seed, targets, SealVhd, randomSeed, Executions, s_budget);

        output.WriteLine($"VHD {kind}: {result.Executions} executions ran clean ({result.Opened} opened, {result.Rejected} rejected: {string.Join(", ", result.Errors.Select(e => $"{e.Key}={e.Value}"))})");
        Assert.True(result.Executions >= 200, $"only {result.Executions} executions");
        Assert.True(result.Opened > 0 && result.Rejected > 0);
    }

    /// <summary>Re-seals both footer copies and the dynamic header checksum (when present) so mutations get past them.</summary>
    private static IEnumerable<(long Offset, int Length)> SealVhd(byte[] b)
    {
        var ranges = new List<(long, int)>();
        foreach (var at in new[] { 0, b.Length - 512 })
        {
            if (at >= 0 && b.AsSpan(at, 8).SequenceEqual("conectix"u8))
            {
                Seal(b.AsSpan(at, 512), 64);
                ranges.Add((at, 512));
            }
        }

        if (b.Length >= 1536 && b.AsSpan(512, 8).SequenceEqual("cxsparse"u8))
        {
            Seal(b.AsSpan(512, 1024), 36);
            ranges.Add((512, 1024));
        }

        return ranges;
    }

    private static void Seal(Span<byte> s, int at)
    {
        BinaryPrimitives.WriteUInt32BigEndian(s[at..], 0);
        uint sum = 0;
        foreach (var x in s)
        {
            sum += x;
        }

        BinaryPrimitives.WriteUInt32BigEndian(s[at..], ~sum);
    }

    private static void AddBlocks(VhdBuilder builder, Random rng, params int[] indexes)
    {
        foreach (var index in indexes)
        {
            var bitmap = new byte[builder.BitmapBytes];
            rng.NextBytes(bitmap.AsSpan(0, (int)(builder.BlockSize / 512 / 8)));
            var data = new byte[builder.BlockSize];
            rng.NextBytes(data);
            builder.Blocks[index] = (bitmap, data);
        }
    }
}
