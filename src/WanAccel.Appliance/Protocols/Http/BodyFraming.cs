namespace WanAccel.Appliance.Protocols.Http;

/// <summary>How one message's body is delimited, and what file data it is (<see cref="Kind"/> null: not file data).</summary>
internal readonly record struct BodyFraming(bool Chunked, long ContentLength, bool CloseDelimited, UInt128 File, FileDataKind? Kind, long FileOffset);
