namespace WanAccel.Images.Tests.Support;

/// <summary>A theory skipped (not failed) when a ground-truth tool is not installed, e.g. dosfstools/mtools on a bare CI image.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class ToolTheoryAttribute : TheoryAttribute
{
    public ToolTheoryAttribute(params string[] tools)
    {
        var missing = tools.Where(t => !Exists(t)).ToList();
        if (missing.Count > 0)
        {
            Skip = $"not installed: {string.Join(", ", missing)}";
        }
    }

    private static bool Exists(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/usr/sbin").Split(':').Append("/usr/sbin").Append("/sbin")
            .Any(dir => File.Exists(Path.Combine(dir, tool)));
}
