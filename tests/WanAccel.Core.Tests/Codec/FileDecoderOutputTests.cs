using WanAccel.Core.Codec;

namespace WanAccel.Core.Tests.Codec;

public sealed class FileDecoderOutputTests
{
    [Fact]
    public void Writes_ManyBufferSwitchesWithHoles_FileHoldsExactlyTheBytes()
    {
        var path = Path.Combine(Path.GetTempPath(), $"wanaccel-output-{Guid.NewGuid():N}");
        var random = new Random(7);
        using var expected = new MemoryStream();
        try
        {
            using (var output = new FileDecoderOutput(path, bufferBytes: 64 << 10))
            {
                for (var i = 0; i < 400; i++)
                {
                    if (random.Next(4) == 0)
                    {
                        var zeros = random.Next(1, 3) == 1 ? random.Next(1, 4096) : random.Next(4096, 200_000);
                        output.WriteZeros(zeros);
                        expected.Write(new byte[zeros]);
                        continue;
                    }

                    var length = random.Next(1, 64 << 10);
                    var span = output.GetSpan(length)[..length];
                    random.NextBytes(span);
                    expected.Write(span);
                    output.Advance(length);
                }

                output.WriteZeros(10_000); // a trailing hole still counts
                expected.Write(new byte[10_000]);
                output.Complete();
            }

            Assert.Equal(expected.ToArray(), File.ReadAllBytes(path));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
