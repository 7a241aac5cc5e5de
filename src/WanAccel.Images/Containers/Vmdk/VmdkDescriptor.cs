using System.Globalization;
using System.Text;

namespace WanAccel.Images.Containers.Vmdk;

/// <summary>
/// A VMDK text descriptor ("# Disk DescriptorFile"): header keys (createType, parentCID, ...) and extent lines.
/// Parsing is bounded: at most <see cref="MaxBytes"/> of text and <see cref="MaxExtents"/> extents.
/// </summary>
internal sealed class VmdkDescriptor
{
    public const int MaxBytes = 64 * 1024;

    /// <summary>Enough for a 8 TiB twoGbMaxExtent* disk; far more than any real descriptor.</summary>
    public const int MaxExtents = 4096;

    private VmdkDescriptor(Dictionary<string, string> keys, List<VmdkExtentLine> extents)
    {
        Keys = keys;
        Extents = extents;
    }

    public IReadOnlyDictionary<string, string> Keys { get; }

    public IReadOnlyList<VmdkExtentLine> Extents { get; }

    public string CreateType => Keys.TryGetValue("createType", out var t) ? t : string.Empty;

    public static bool Probe(ReadOnlySpan<byte> head) =>
        head.StartsWith("# Disk DescriptorFile"u8) || head.StartsWith("# Disk Descriptor File"u8);

    public static VmdkDescriptor Parse(ReadOnlySpan<byte> bytes, string path)
    {
        if (bytes.Length > MaxBytes)
        {
            throw new ImageFormatException(ImageError.LimitExceeded, $"{path}: vmdk descriptor of {bytes.Length} bytes (limit {MaxBytes})");
        }

        var nul = bytes.IndexOf((byte)0);
        var text = Encoding.UTF8.GetString(nul >= 0 ? bytes[..nul] : bytes);
        var keys = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var extents = new List<VmdkExtentLine>();
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            if (line.StartsWith("RW ", StringComparison.Ordinal) || line.StartsWith("RDONLY ", StringComparison.Ordinal) ||
                line.StartsWith("NOACCESS ", StringComparison.Ordinal))
            {
                if (extents.Count >= MaxExtents)
                {
                    throw new ImageFormatException(ImageError.LimitExceeded, $"{path}: vmdk descriptor with more than {MaxExtents} extents");
                }

                extents.Add(ParseExtent(line, path));
                continue;
            }

            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                keys[line[..eq].Trim()] = line[(eq + 1)..].Trim().Trim('"');
            }
        }

        return new VmdkDescriptor(keys, extents);
    }

    private static VmdkExtentLine ParseExtent(string line, string path)
    {
        var tokens = Tokenize(line, path);
        if (tokens.Count < 3 || !long.TryParse(tokens[1], NumberStyles.None, CultureInfo.InvariantCulture, out var sectors))
        {
            throw Bad(path, line);
        }

        var type = tokens[2].ToUpperInvariant();
        string? file = null;
        long offset = 0;
        if (type != "ZERO")
        {
            if (tokens.Count < 4)
            {
                throw Bad(path, line);
            }

            file = tokens[3];
            if (tokens.Count >= 5 && !long.TryParse(tokens[4], NumberStyles.None, CultureInfo.InvariantCulture, out offset))
            {
                throw Bad(path, line);
            }
        }

        return new VmdkExtentLine(tokens[0], sectors, type, file, offset);
    }

    private static List<string> Tokenize(string line, string path)
    {
        var tokens = new List<string>();
        var i = 0;
        while (i < line.Length && tokens.Count < 8)
        {
            if (char.IsWhiteSpace(line[i]))
            {
                i++;
                continue;
            }

            if (line[i] == '"')
            {
                var close = line.IndexOf('"', i + 1);
                if (close < 0)
                {
                    throw Bad(path, line);
                }

                tokens.Add(line[(i + 1)..close]);
                i = close + 1;
                continue;
            }

            var start = i;
            while (i < line.Length && !char.IsWhiteSpace(line[i]))
            {
                i++;
            }

            tokens.Add(line[start..i]);
        }

        return tokens;
    }

    private static ImageFormatException Bad(string path, string line) =>
        new(ImageError.Corrupt, $"{path}: vmdk malformed extent line '{(line.Length > 100 ? line[..100] : line)}'");
}
