namespace WanAccel.Appliance.Hosting;

/// <summary>The configuration is unusable; <see cref="Errors"/> lists every problem found.</summary>
public sealed class ApplianceConfigurationException : Exception
{
    public ApplianceConfigurationException(IReadOnlyList<string> errors)
        : base("Invalid configuration:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  - " + e)))
    {
        Errors = errors;
    }

    public ApplianceConfigurationException()
    {
        Errors = [];
    }

    public ApplianceConfigurationException(string message)
        : base(message)
    {
        Errors = [message];
    }

    public ApplianceConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [message];
    }

    public IReadOnlyList<string> Errors { get; }
}
