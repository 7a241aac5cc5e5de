namespace WanAccel.Appliance.Tests.EndToEnd;

/// <summary>How a connection to a <see cref="FramedSink"/> ended.</summary>
internal enum SinkEnd
{
    /// <summary>Every announced byte arrived, then a clean end.</summary>
    Complete,

    /// <summary>EOF before the announced length: a truncated stream the sender's side made look finished.</summary>
    EndOfStreamEarly,

    /// <summary>The connection was reset (RST): the failure was visible.</summary>
    Reset,

    /// <summary>More bytes than announced arrived.</summary>
    TrailingBytes,
}
