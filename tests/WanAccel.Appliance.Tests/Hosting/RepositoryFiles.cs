namespace WanAccel.Appliance.Tests.Hosting;

/// <summary>Files of this repository (sample configuration, schema) found from the test's output directory.</summary>
internal static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "WanAccel.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("WanAccel.sln not found above " + AppContext.BaseDirectory);
    }
}
