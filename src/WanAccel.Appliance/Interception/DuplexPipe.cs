using System.IO.Pipelines;

namespace WanAccel.Appliance.Interception;

/// <summary>A reader and a writer taken together as one end of a connection.</summary>
internal sealed record DuplexPipe(PipeReader Input, PipeWriter Output) : IDuplexPipe;
