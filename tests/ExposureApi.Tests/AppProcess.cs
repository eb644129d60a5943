using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace ExposureApi.Tests;

/// <summary>
/// The web host as a real process (<c>dotnet ExposureApi.dll</c>) on a free loopback port: what an operator runs,
/// with its real console output and exit code.
/// </summary>
public sealed partial class AppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private AppProcess(Process process) => _process = process;

    /// <summary>Standard output and standard error so far, interleaved.</summary>
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

    public Uri? BaseAddress => _listening.Task.IsCompletedSuccessfully ? _listening.Task.Result : null;

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>Starts the host with <paramref name="environment"/> variables (<c>Exposure__Store__Path</c> and so on).</summary>
    public static AppProcess Start(IDictionary<string, string?> environment, string workingDirectory, string? appDirectory = null)
    {
        appDirectory ??= AppContext.BaseDirectory;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(appDirectory, "ExposureApi.dll"));
        start.ArgumentList.Add("--contentRoot");
        start.ArgumentList.Add(appDirectory);
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(key);
            }
            else
            {
                start.Environment[key] = value;
            }
        }

        var app = new AppProcess(new Process { StartInfo = start, EnableRaisingEvents = true });
        app._process.OutputDataReceived += (_, e) => app.Append(e.Data);
        app._process.ErrorDataReceived += (_, e) => app.Append(e.Data);
        app._process.Exited += (_, _) => app._listening.TrySetException(new InvalidOperationException($"The host exited before listening:\n{app.Output}"));
        app._process.Start();
        app._process.BeginOutputReadLine();
        app._process.BeginErrorReadLine();
        return app;
    }

    /// <summary>
    /// The settings a test host runs with: <paramref name="environment"/>, the store at <paramref name="storePath"/>,
    /// the test secrets and the cheapest Argon2 parameters (<see cref="ExposureApiFactory.TestScheme"/>). Add to them.
    /// </summary>
    public static Dictionary<string, string?> TestSettings(string storePath, string environment = "Production") => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = environment,
        ["Exposure__Store__Path"] = storePath,
        ["Exposure__Hashing__Pepper"] = ExposureApiFactory.TestPepper,
        ["Exposure__Hashing__Salt"] = ExposureApiFactory.TestSalt,
        ["Exposure__Hashing__MemoryKiB"] = "64",
        ["Exposure__Hashing__Iterations"] = "1",
    };

    /// <summary>A TCP port nothing listens on right now, for a second listener or a port that must refuse.</summary>
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Waits until the host listens, and returns its address.</summary>
    public Task<Uri> WaitUntilListeningAsync(TimeSpan timeout) => _listening.Task.WaitAsync(timeout);

    /// <summary>Sends SIGTERM, as a container runtime or systemd does to stop the service.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>Waits for the process to exit by itself and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        return _process.ExitCode;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (ListeningLine().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(new Uri(match.Groups[1].Value));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    [GeneratedRegex(@"Now listening on: (http://[^\s"",]+)")]
    private static partial Regex ListeningLine();
}
