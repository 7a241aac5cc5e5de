namespace WanAccel.Appliance.Hosting;

/// <summary>Which end a flow came from.</summary>
public enum FlowOrigin
{
    /// <summary>A local client connected to one of this appliance's rules.</summary>
    Local,

    /// <summary>The peer opened it; this appliance connected to the destination.</summary>
    Remote,
}
