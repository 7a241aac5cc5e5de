using System.Diagnostics;
using System.Text;

namespace WanAccel.Appliance.Tests.EndToEnd;

/// <summary>
/// A real third-party program (rsync, socat, nc) started by a test, which stays its parent: standard input is closed,
/// standard output goes to a file or is captured, standard error is captured line by line. Dispose kills what is
/// still running (the whole tree) and waits for it — PID 1 here does not reap orphans.
/// </summary>
internal sealed class ExternalProcess : IAsyncDisposable
{
    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly StringBuilder _error = new();
    private readonly Task<string> _output;
    private readonly string _commandLine;
    private TaskCompletionSource<string>? _awaitedLine;
    private Func<string, bool>? _awaitedMatch;

    private ExternalProcess(Process process, string commandLine, string? outputFile)
    {
        _process = process;
        _commandLine = commandLine;
        _process.ErrorDataReceived += (_, e) => OnErrorLine(e.Data);
        _process.BeginErrorReadLine();
        _process.StandardInput.Close();
        _output = outputFile is null ? _process.StandardOutput.ReadToEndAsync() : CopyOutputAsync(process, outputFile);
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Standard error so far.</summary>
    public string ErrorText
    {
        get
        {
            lock (_error)
            {
                return _error.ToString();
            }
        }
    }

    /// <summary>Starts <paramref name="program"/>; its standard output is written to <paramref name="outputFile"/> (raw bytes) or captured as text.</summary>
    public static ExternalProcess Start(string program, IEnumerable<string> arguments, string? outputFile = null)
    {
        var start = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var commandLine = $"{program} {string.Join(' ', start.ArgumentList)}";
        var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {commandLine}");
        return new ExternalProcess(process, commandLine, outputFile);
    }

    /// <summary>Runs a program to its end (bounded by <paramref name="cancellationToken"/>) and returns its exit code and captured output.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(
        string program, IEnumerable<string> arguments, CancellationToken cancellationToken, string? outputFile = null)
    {
        await using var process = Start(program, arguments, outputFile);
        var code = await process.WaitForExitAsync(cancellationToken);
        return (code, await process._output, process.ErrorText);
    }

    /// <summary>Waits for the program to end; returns its exit code. Throws when <paramref name="cancellationToken"/> fires first.</summary>
    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{_commandLine} did not finish in time; stderr: {ErrorText}");
        }

        await _output;
        return _process.ExitCode;
    }

    /// <summary>Waits until the program writes a standard-error line matching <paramref name="match"/> (e.g. "listening on"); returns the line.</summary>
    public async Task<string> WaitForErrorLineAsync(Func<string, bool> match, CancellationToken cancellationToken)
    {
        var line = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_error)
        {
            var seen = _error.ToString().Split('\n').FirstOrDefault(match);
            if (seen is not null)
            {
                return seen;
            }

            _awaitedLine = line;
            _awaitedMatch = match;
        }

        var exited = _process.WaitForExitAsync(cancellationToken);
        var first = await Task.WhenAny(line.Task, exited);
        if (first == line.Task)
        {
            return await line.Task;
        }

        await exited; // throws when cancelled; else every stderr line has been read (WaitForExitAsync waits for EOF)
        return line.Task.IsCompleted ? await line.Task
            : throw new InvalidOperationException($"{_commandLine} exited {_process.ExitCode} before the awaited line; stderr: {ErrorText}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Exited meanwhile.
            }

            using var bound = new CancellationTokenSource(KillWait);
            await _process.WaitForExitAsync(bound.Token);
        }

        try
        {
            await _output.WaitAsync(KillWait);
        }
        catch (Exception e) when (e is IOException or TimeoutException)
        {
            // The output file or pipe broke with the kill; the test already has its verdict.
        }

        _process.Dispose();
    }

    public override string ToString() => $"[{_process.Id}] {_commandLine}";

    private static async Task<string> CopyOutputAsync(Process process, string outputFile)
    {
        await using var file = File.Create(outputFile);
        await process.StandardOutput.BaseStream.CopyToAsync(file);
        return string.Empty;
    }

    private void OnErrorLine(string? text)
    {
        if (text is null)
        {
            return;
        }

        TaskCompletionSource<string>? matched = null;
        lock (_error)
        {
            _error.Append(text).Append('\n');
            if (_awaitedMatch is not null && _awaitedMatch(text))
            {
                matched = _awaitedLine;
                _awaitedLine = null;
                _awaitedMatch = null;
            }
        }

        matched?.TrySetResult(text);
    }
}
