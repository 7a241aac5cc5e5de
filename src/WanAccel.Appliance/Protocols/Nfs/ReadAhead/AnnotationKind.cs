namespace WanAccel.Appliance.Protocols.Nfs.ReadAhead;

/// <summary>What an <see cref="Annotation"/> says.</summary>
internal enum AnnotationKind : uint
{
    /// <summary>Core → edge: the server's reply to a READ of (fh, offset, count) the core issued itself.</summary>
    ReadReply = 1,

    /// <summary>Core → edge: the file changed (attributes disagree): drop what is cached of it and take no more.</summary>
    Drop = 2,

    /// <summary>Edge → core: the client's READ of (fh, offset, count) was answered from the cache (it was not forwarded).</summary>
    Consumed = 3,

    /// <summary>Either way: no more annotations from this side; the stream is plain from here on.</summary>
    Stop = 4,
}
