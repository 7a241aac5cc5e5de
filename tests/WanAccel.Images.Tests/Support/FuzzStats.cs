using WanAccel.Images.Containers;

namespace WanAccel.Images.Tests.Support;

/// <summary>What a fuzz run did.</summary>
internal sealed class FuzzStats
{
    public int Executions { get; set; }

    public int Opened { get; set; }

    public int Rejected { get; set; }

    public TimeSpan Elapsed { get; set; }

    /// <summary>Rejections by error kind.</summary>
    public Dictionary<ImageError, int> Errors { get; } = [];

    /// <summary>Counts one execution: opened cleanly (null) or rejected with <paramref name="error"/>.</summary>
    public void Count(ImageError? error)
    {
        Executions++;
        if (error is { } e)
        {
            Rejected++;
            Errors[e] = Errors.GetValueOrDefault(e) + 1;
        }
        else
        {
            Opened++;
        }
    }

    public override string ToString() =>
        $"{Executions} mutants in {Elapsed.TotalSeconds:F1} s: {Opened} opened+mapped+read cleanly, {Rejected} rejected with ImageFormatException ({string.Join(", ", Errors.Select(e => $"{e.Key}={e.Value}"))}), 0 other exceptions";
}
