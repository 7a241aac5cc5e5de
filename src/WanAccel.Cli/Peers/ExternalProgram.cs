using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace WanAccel.Cli.Peers;

/// <summary>
/// A real third-party program (a server such as nginx, smbd or ganesha, or a client), which stays our child: standard input is
/// closed, its output is kept for error messages. Dispose kills the whole tree and waits for it (PID 1 in a container
/// may not reap orphans).
/// </summary>
internal sealed class ExternalProgram : IAsyncDisposable
{
    private const int BindAttempts = 5;
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ExternalProgram(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        _process.StandardInput.Close();
    }

    public bool HasExited => _process.HasExited;

    /// <summary>What the server wrote so far (standard output and error).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static ExternalProgram Start(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return new ExternalProgram(Process.Start(start) ?? throw new InvalidOperationException($"cannot start {program}"));
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

    /// <summary>Waits until <paramref name="endPoint"/> accepts connections; throws when the server exits first or takes too long.</summary>
    public async Task WaitListeningAsync(IPEndPoint endPoint, CancellationToken cancellationToken)
    {
        await WaitAsync(async token =>
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await probe.ConnectAsync(endPoint, token).ConfigureAwait(false);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }, $"listening on {endPoint}", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>For a program that runs to its end (a set-up step): waits for it; throws unless it exits 0.</summary>
    public async Task WaitForExitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (_process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{_process.StartInfo.FileName} exited {_process.ExitCode}: {Output}");
        }
    }

    /// <summary>Waits until the server has written <paramref name="text"/>.</summary>
    public Task WaitForOutputAsync(string text, CancellationToken cancellationToken) =>
        WaitAsync(_ => Task.FromResult(Output.Contains(text, StringComparison.Ordinal)), $"'{text}'", cancellationToken);

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
        }

        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _process.WaitForExitAsync(bound.Token).ConfigureAwait(false);
        _process.Dispose();
    }

    private async Task WaitAsync(Func<CancellationToken, Task<bool>> ready, string what, CancellationToken cancellationToken)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(ReadyTimeout);
        while (!await ready(bound.Token).ConfigureAwait(false))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{_process.StartInfo.FileName} exited ({_process.ExitCode}) before {what}: {Output}");
            }

            try
            {
                await Task.Delay(20, bound.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"{_process.StartInfo.FileName} not {what} after {ReadyTimeout.TotalSeconds:0} s: {Output}");
            }
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
