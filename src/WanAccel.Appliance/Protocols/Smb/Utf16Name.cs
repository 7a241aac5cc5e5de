using System.Buffers;
using System.Text;

namespace WanAccel.Appliance.Protocols.Smb;

/// <summary>UTF-16LE names off the wire, decoded into exactly one string (invalid code units become U+FFFD, never an exception).</summary>
internal static class Utf16Name
{
    public static string Decode(ReadOnlySpan<byte> utf16) => Encoding.Unicode.GetString(utf16);

    /// <summary><c>share\name</c>; the name alone when the share is unknown, the share alone for its root (an empty name).</summary>
    public static string Join(string? share, ReadOnlySpan<byte> utf16Name)
    {
        if (string.IsNullOrEmpty(share))
        {
            return Decode(utf16Name);
        }

        if (utf16Name.IsEmpty)
        {
            return share;
        }

        var chars = ArrayPool<char>.Shared.Rent(Encoding.Unicode.GetMaxCharCount(utf16Name.Length));
        try
        {
            var count = Encoding.Unicode.GetChars(utf16Name, chars);
            return string.Concat(share, "\\", chars.AsSpan(0, count));
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }
}
