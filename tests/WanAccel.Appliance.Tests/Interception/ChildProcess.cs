using System.Diagnostics;

namespace WanAccel.Appliance.Tests.Interception;

/// <summary>
/// A program this test started and stays the parent of: its stdout and stderr lines are kept for assertions, every
/// wait is bounded, and disposing kills it (with its children) and waits for it, as PID 1 here reaps nothing.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>Everything it printed so far, stdout and stderr interleaved as they arrived.</summary>
    public string Output
    {
        get
        {
            lock (_lines)
            {
                return string.Join('\n', _lines);
            }
        }
    }

    public static ChildProcess Start(string name, string program, params IEnumerable<string> args)
    {
        var process = new Process { StartInfo = StartInfo(program, args), EnableRaisingEvents = true };
        var child = new ChildProcess(name, process);
        process.OutputDataReceived += (_, e) => child.Add(e.Data);
        process.ErrorDataReceived += (_, e) => child.Add(e.Data);
        process.Exited += (_, _) => child.Add(null);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Runs a short command to its end; its stdout, or an exception with its output when it fails or hangs.</summary>
    public static string Run(string program, params IEnumerable<string> args)
    {
        var (code, output, error) = Execute(program, args);
        return code == 0 ? output : throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited {code}: {error.Trim()} {output.Trim()}");
    }

    /// <summary>Runs a short command to its end (60 s at most); its exit code, stdout and stderr.</summary>
    public static (int Code, string Output, string Error) Execute(string program, params IEnumerable<string> args)
    {
        using var process = Process.Start(StartInfo(program, args))!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish in 60 s");
        }

        process.WaitForExit(); // and the ends of its output
        return (process.ExitCode, output.Result, error.Result);
    }

    /// <summary>The first line (from the start) that matches; fails with the output so far after <paramref name="timeout"/> or at exit.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, string what)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            lock (_lines)
            {
                if (_lines.FirstOrDefault(match) is { } line)
                {
                    return line;
                }

                changed = _changed.Task;
            }

            if (_process.HasExited)
            {
                await _process.WaitForExitAsync(deadline.Token); // returns once every line is in
                lock (_lines)
                {
                    if (_lines.FirstOrDefault(match) is { } last)
                    {
                        return last;
                    }
                }

                throw new InvalidOperationException($"{Name} exited ({_process.ExitCode}) before printing {what}:\n{Output}");
            }

            try
            {
                await changed.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"{Name} did not print {what} in {timeout.TotalSeconds} s:\n{Output}");
            }
        }
    }

    /// <summary>Waits for it to exit by itself; its exit code. Fails with its output after <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Name} did not exit in {timeout.TotalSeconds} s:\n{Output}");
        }

        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // exited meanwhile
        }

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(deadline.Token);
        _process.Dispose();
    }

    private static ProcessStartInfo StartInfo(string program, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return info;
    }

    private void Add(string? line)
    {
        TaskCompletionSource changed;
        lock (_lines)
        {
            if (line is not null)
            {
                _lines.Add(line);
            }

            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }
}
