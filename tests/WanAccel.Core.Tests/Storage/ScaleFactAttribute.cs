namespace WanAccel.Core.Tests.Storage;

/// <summary>A fact that runs only when <c>WANACCEL_STORE_SCALE_GB</c> is set: multi-GB runs stay out of the normal suite.</summary>
internal sealed class ScaleFactAttribute : FactAttribute
{
    public const string Variable = "WANACCEL_STORE_SCALE_GB";

    public ScaleFactAttribute()
    {
        if (Environment.GetEnvironmentVariable(Variable) is null)
        {
            Skip = $"set {Variable} (and optionally WANACCEL_STORE_SCALE_DIR to keep the store) to run";
        }
    }
}
