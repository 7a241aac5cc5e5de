namespace WanAccel.Core.Wire;

/// <summary>Why a frame stream was rejected.</summary>
public enum WireError
{
    /// <summary>A field is out of range or inconsistent (bad varint, unknown codec, length mismatch).</summary>
    Malformed,

    /// <summary>The stream ended inside a frame or before its END frame.</summary>
    Truncated,

    /// <summary>A size beyond the configured or hard limits (guards against unbounded allocation).</summary>
    LimitExceeded,

    /// <summary>A literal's bytes do not hash to the id sent with them, or the end-to-end checksum does not match.</summary>
    IntegrityFailure,

    /// <summary>The stream's magic or version is not one this build speaks.</summary>
    UnsupportedVersion,
}
