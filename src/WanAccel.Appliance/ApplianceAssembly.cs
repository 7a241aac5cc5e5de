namespace WanAccel.Appliance;

/// <summary>Marker for the appliance assembly: the peer link, interception, WAN emulator, host and metrics.</summary>
public static class ApplianceAssembly
{
    public static string Version => typeof(ApplianceAssembly).Assembly.GetName().Version?.ToString() ?? "0.0.0";
}
