using System.Diagnostics;

namespace ExposureApi.Testing;

/// <summary>Runs a program to completion and returns its exit code with everything it printed.</summary>
internal static class ChildProcess
{
    /// <param name="environment">Variables to set (or, with a null value, remove) for the child.</param>
    public static async Task<(int ExitCode, string Output)> RunAsync(
        string program, string directory, IEnumerable<string> args, CancellationToken cancellationToken, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var (exitCode, output, errors) = await RunSeparatelyAsync(program, directory, args, cancellationToken, environment);
        return (exitCode, output + errors);
    }

    /// <summary>Runs a program to completion and returns its exit code, standard output and standard error apart.</summary>
    public static async Task<(int ExitCode, string Output, string Errors)> RunSeparatelyAsync(
        string program, string directory, IEnumerable<string> args, CancellationToken cancellationToken, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(program, args) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await stdout, await stderr);
    }
}
