using System.Globalization;

namespace WanAccel.Core.Compression;

/// <summary>
/// A codec choice as users write it: <c>lz4</c>, <c>zstd</c> (level 3), <c>zstd:N</c> (N = 1..22) or <c>none</c>.
/// </summary>
public readonly record struct CodecSpec(CodecKind Kind, int Level)
{
    public static CodecSpec Lz4 => new(CodecKind.Lz4, 0);

    public static bool TryParse(string? text, out CodecSpec spec)
    {
        spec = Lz4;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var parts = text.Trim().ToLowerInvariant().Split(':', 2);
        switch (parts[0])
        {
            case "lz4" when parts.Length == 1:
                return true;
            case "none" when parts.Length == 1:
                spec = new CodecSpec(CodecKind.None, 0);
                return true;
            case "zstd":
                var level = 3;
                if (parts.Length == 2 && (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out level) || level is < 1 or > 22))
                {
                    return false;
                }

                spec = new CodecSpec(CodecKind.Zstd, level);
                return true;
            default:
                return false;
        }
    }

    /// <summary>A new compressor for one thread; null for <see cref="CodecKind.None"/>.</summary>
    public LiteralCompressor? CreateCompressor() => Kind switch
    {
        CodecKind.Lz4 => new Lz4Compressor(),
        CodecKind.Zstd => new ZstdCompressor(Level),
        _ => null,
    };

    public override string ToString() => Kind switch
    {
        CodecKind.Zstd => string.Create(CultureInfo.InvariantCulture, $"zstd:{Level}"),
        CodecKind.None => "none",
        _ => "lz4",
    };
}
