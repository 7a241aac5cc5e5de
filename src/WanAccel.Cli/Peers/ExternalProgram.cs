using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace WanAccel.Cli.Peers;

/// <summary>
/// A real third-party program (a server such as nginx, smbd, ganesha or <c>wanaccel serve</c>, or a client) that we
/// started and stay the parent of: standard input is closed, its stdout and stderr lines are kept (interleaved as they
/// arrive) for waits and error messages, every wait is bounded, and disposing kills it with its children and waits for
/// it (PID 1 in a container may reap nothing). <see cref="Run"/> and <see cref="Execute"/> run short commands to their end.
/// </summary>
internal sealed class ExternalProgram : IAsyncDisposable
{
    private const int BindAttempts = 5;
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly List<string> _lines = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ExternalProgram(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    /// <summary>Names it in messages (default: the program's file name).</summary>
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

    public static ExternalProgram Start(string program, IEnumerable<string> arguments, string? name = null)
    {
        var process = new Process { StartInfo = StartInfo(program, arguments), EnableRaisingEvents = true };
        var child = new ExternalProgram(name ?? Path.GetFileName(program), process);
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
    public static string Run(string program, params IEnumerable<string> arguments)
    {
        var (code, output, error) = Execute(program, arguments);
        return code == 0 ? output : throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited {code}: {error.Trim()} {output.Trim()}");
    }

    /// <summary>Runs a short command to its end (60 s at most); its exit code, stdout and stderr.</summary>
    public static (int Code, string Output, string Error) Execute(string program, params IEnumerable<string> arguments)
    {
        using var process = Process.Start(StartInfo(program, arguments))!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish in 60 s");
        }

        process.WaitForExit(); // and the ends of its output
        return (process.ExitCode, output.Result, error.Result);
    }

    /// <summary>
    /// Starts a server on a free loopback port: <paramref name="start"/> configures and starts it for the port it is
    /// given; when it exits before listening (it lost the port to someone else), another port is tried.
    /// </summary>
    public static async Task<(ExternalProgram Server, IPEndPoint EndPoint)> StartListeningAsync(Func<IPEndPoint, Task<ExternalProgram>> start, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var endPoint = FreeLoopbackPort();
            var server = await start(endPoint).ConfigureAwait(false);
            try
            {
                await server.WaitListeningAsync(endPoint, cancellationToken).ConfigureAwait(false);
                return (server, endPoint);
            }
            catch (InvalidOperationException) when (attempt < BindAttempts)
            {
                await server.DisposeAsync().ConfigureAwait(false);
            }
            catch
            {
                await server.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
    }

    /// <summary>A loopback port free a moment ago (the program that binds it may lose a race; see <see cref="StartListeningAsync"/>).</summary>
    public static IPEndPoint FreeLoopbackPort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return (IPEndPoint)probe.LocalEndPoint!;
    }

    /// <summary>Waits until <paramref name="endPoint"/> accepts connections; throws when the program exits first or takes too long.</summary>
    public async Task WaitListeningAsync(IPEndPoint endPoint, CancellationToken cancellationToken)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(ReadyTimeout);
        while (true)
        {
            using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
            {
                try
                {
                    await probe.ConnectAsync(endPoint, bound.Token).ConfigureAwait(false);
                    return;
                }
                catch (SocketException)
                {
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new TimeoutException($"{Name} not listening on {endPoint} after {ReadyTimeout.TotalSeconds:0} s:\n{Output}");
                }
            }

            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited ({_process.ExitCode}) before listening on {endPoint}:\n{Output}");
            }

            await Task.Delay(20, bound.Token).ConfigureAwait(false);
        }
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
                await _process.WaitForExitAsync(deadline.Token).ConfigureAwait(false); // returns once every line is in
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
                await changed.WaitAsync(deadline.Token).ConfigureAwait(false);
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
            await _process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Name} did not exit in {timeout.TotalSeconds} s:\n{Output}");
        }

        return _process.ExitCode;
    }

    /// <summary>For a program that runs to its end (a client): waits for it; throws unless it exits 0.</summary>
    public async Task WaitForSuccessAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (_process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Name} exited {_process.ExitCode}:\n{Output}");
        }
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
        await _process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        _process.Dispose();
    }

    private static ProcessStartInfo StartInfo(string program, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
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
