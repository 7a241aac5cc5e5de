namespace WanAccel.Core.Wire;

/// <summary>
/// Frames from encoder to decoder. Every frame is <c>type (1 byte) · body length (varint) · body</c>,
/// so a decoder can bound its buffers before reading a body and skip types it does not know
/// only when the type's high bit (0x80, "optional") is set. See docs/wire-format.md.
/// </summary>
public enum FrameType : byte
{
    /// <summary>Stream header: magic "WACS", version, encoder window (varint).</summary>
    Hello = 0x00,

    /// <summary>A run of zero bytes: length (varint).</summary>
    Zero = 0x01,

    /// <summary>A chunk the decoder holds: id (32) · length (varint).</summary>
    Ref = 0x02,

    /// <summary>Consecutive new chunks compressed together: see <see cref="LiteralsHeader"/>.</summary>
    Literals = 0x03,

    /// <summary>A group of chunks the decoder holds as a manifest: manifest id (32) · total length · chunk count.</summary>
    ManifestRef = 0x04,

    /// <summary>The last N chunks form a manifest: manifest id (32) · chunk count. The decoder checks the id and stores it.</summary>
    ManifestDef = 0x05,

    /// <summary>Fills a range the decoder reported missing: offset · length · a Literals body.</summary>
    Resend = 0x06,

    /// <summary>End of stream: total length (varint) · XxHash3-64 of all output (8 bytes, little-endian).</summary>
    End = 0x07,

    /// <summary>
    /// Raw stream bytes (1 .. <see cref="WireLimits.MaxPassthroughBytes"/>) written at the current position: never chunked,
    /// hashed into the store, stored nor compressed; for traffic that cannot benefit (TLS, SSH, compressed files).
    /// </summary>
    Passthrough = 0x08,
}
