namespace WanAccel.Appliance.Protocols.Http;

/// <summary>A request awaiting its response: the method decides whether the response has a body.</summary>
internal readonly record struct HttpRequestHead(string Method, UInt128 File);
