using System.Globalization;
using Spectre.Console;
using WanAccel.Appliance.FileTransfer;
using WanAccel.Cli.Wan;

namespace WanAccel.Cli.Copy;

/// <summary>A live bar per file (bytes, rate, ETA); when a file is done its line shows time, WAN bytes and reduction.</summary>
internal sealed class SpectreCopyProgress(ProgressContext context) : ICopyProgress
{
    // Pipelined small files finish after later ones started: each job keeps its own bar.
    private readonly Dictionary<CopyJob, ProgressTask> _tasks = new(ReferenceEqualityComparer.Instance);
    private ProgressTask? _task;

    public static Progress Create() => AnsiConsole.Progress()
        .AutoClear(false)
        .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn(), new RemainingTimeColumn());

    public void Start(CopyJob job) => _tasks[job] = _task = context.AddTask(Markup.Escape(Path.GetFileName(job.Source.TrimEnd('/'))), maxValue: Math.Max(1, job.Size));

    public void Size(long bytes) => _task!.MaxValue = Math.Max(1, bytes);

    public void Advance(long done) => _task!.Value = done;

    public void Done(CopyJob job, TransferReport? report, string? error)
    {
        if (!_tasks.Remove(job, out var task))
        {
            return;
        }

        var name = Markup.Escape(Path.GetFileName(job.Source.TrimEnd('/')));
        task.Description = report is null
            ? $"{name} [red]failed[/]"
            : string.Create(CultureInfo.InvariantCulture, $"{name} [grey]{report.Seconds:0.0} s, WAN {WanReport.Bytes(report.WanBytes)} ({Reduction(report)})[/]");
        if (report is not null)
        {
            task.Value = task.MaxValue;
        }

        task.StopTask();
    }

    internal static string Reduction(TransferReport report) =>
        report.WanBytes == 0 ? "∞" : string.Create(CultureInfo.InvariantCulture, $"{(double)report.Length / report.WanBytes:0.0}×");
}
