using Spectre.Console;

namespace WanAccel.Cli.Wan;

/// <summary>A live progress bar per copy (bytes, rate, remaining time).</summary>
internal sealed class SpectreProgress(ProgressContext context) : WanBench.IProgress
{
    private ProgressTask? _task;

    public static Progress Create() => AnsiConsole.Progress()
        .AutoClear(false)
        .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn(), new RemainingTimeColumn());

    public void Start(string phase, long totalBytes) => _task = context.AddTask(Label(phase), maxValue: Math.Max(1, totalBytes));

    public void Advance(long bytes) => _task!.Value = bytes;

    public void Done(string phase, double seconds)
    {
        _task!.Description = $"{Label(phase)} [grey]{seconds:0.0} s[/]";
        _task.StopTask();
    }

    private static string Label(string phase) => phase switch
    {
        "native" => "native (no WanAccel)",
        "cold" => "WanAccel, cold cache",
        "warm" => "WanAccel, warm cache",
        _ => phase,
    };
}
