using System.Diagnostics;
using Spectre.Console;

namespace ExposureApi.Cli.Infrastructure;

/// <summary>A progress bar with rate and ETA on a terminal; a plain line every few seconds otherwise (logs, CI, pipes).</summary>
internal static class LiveProgress
{
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(5);

    /// <summary>Runs <paramref name="work"/>, which reports (fraction done or null when unknown, status text).</summary>
    public static async Task<T> RunAsync<T>(IAnsiConsole console, string description, Func<IProgress<(double? Fraction, string Status)>, Task<T>> work)
    {
        if (!console.Profile.Capabilities.Interactive)
        {
            var clock = Stopwatch.StartNew();
            var last = TimeSpan.Zero;
            var plain = new Progress<(double? Fraction, string Status)>(update =>
            {
                if (clock.Elapsed - last < PlainInterval)
                {
                    return;
                }

                last = clock.Elapsed;
                var percent = update.Fraction is { } f ? $" {f:P0}" : "";
                console.WriteLine($"{description}:{percent} {update.Status}");
            });
            return await work(plain);
        }

        return await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(description, maxValue: 1.0);
                task.IsIndeterminate = true;
                var live = new SynchronousProgress(update =>
                {
                    task.IsIndeterminate = update.Fraction is null;
                    if (update.Fraction is { } f)
                    {
                        task.Value = Math.Min(f, 1.0);
                    }

                    task.Description = $"{description} [grey]{Markup.Escape(update.Status)}[/]";
                });
                var result = await work(live);
                task.Value = task.MaxValue;
                task.StopTask();
                return result;
            });
    }

    // Progress<T> posts to the thread pool; updates to a Spectre task can be applied where they happen.
    private sealed class SynchronousProgress(Action<(double? Fraction, string Status)> report) : IProgress<(double? Fraction, string Status)>
    {
        public void Report((double? Fraction, string Status) value) => report(value);
    }
}
