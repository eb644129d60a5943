using System.Diagnostics;

namespace ExposureApi.Cli.Tests;

/// <summary>The real <c>exposure</c> program as a child process, for what only a process can show: being killed.</summary>
internal static class CliProcess
{
    private static string Program => Path.Combine(AppContext.BaseDirectory, "exposure.dll");

    /// <summary>Starts <c>exposure ARGS</c> and returns at once; its output is drained and discarded.</summary>
    public static Process Start(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [Program, .. args])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DOTNET_NOLOGO"] = "1";
        var process = Process.Start(start)!;
        // Drain the pipes so a chatty child never blocks on a full buffer.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Runs <c>exposure ARGS</c> to completion.</summary>
    public static Task<(int ExitCode, string Output)> RunAsync(string workingDirectory, CancellationToken cancellationToken, params string[] args) =>
        ChildProcess.RunAsync("dotnet", workingDirectory, [Program, .. args], cancellationToken);

    /// <summary>Runs <c>exposure ARGS</c> to completion with extra environment variables, such as the runtime's.</summary>
    public static Task<(int ExitCode, string Output)> RunAsync(
        string workingDirectory, IReadOnlyDictionary<string, string?> environment, CancellationToken cancellationToken, params string[] args) =>
        ChildProcess.RunAsync("dotnet", workingDirectory, [Program, .. args], cancellationToken, environment);
}
