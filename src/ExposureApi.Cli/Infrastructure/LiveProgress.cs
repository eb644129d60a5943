using System.Globalization;
using Spectre.Console;

namespace ExposureApi.Cli.Infrastructure;

/// <summary>What a long command has finished: <see cref="Done"/> of <see cref="Total"/> (null while unknown) <see cref="Unit"/>, and a detail.</summary>
internal readonly record struct ProgressUpdate(long Done, long? Total, string Unit, string Detail);

/// <summary>
/// Progress of a long command, on standard error: a live bar on a terminal; otherwise (logs, CI, pipes, schedulers) a
/// plain line every <c>--progress-interval</c> seconds. Both say how much is done of how much, the recent rate and
/// the time left at that rate (<see cref="ProgressRate"/>).
/// </summary>
internal static class LiveProgress
{
    /// <summary>Runs <paramref name="work"/>, which reports what it has finished.</summary>
    /// <param name="time">The clock the rate and the interval are measured with (a test's fake one, to know the truth).</param>
    public static async Task<T> RunAsync<T>(CliOutput output, TimeProvider time, string description, TimeSpan plainInterval, Func<IProgress<ProgressUpdate>, Task<T>> work)
    {
        var started = time.GetTimestamp();
        TimeSpan Elapsed() => time.GetElapsedTime(started);
        var rate = new ProgressRate();
        string Line(ProgressUpdate update)
        {
            rate.Add(Elapsed(), update.Done);
            return Describe(update, rate);
        }

        var console = output.Messages;
        if (!console.Profile.Capabilities.Interactive || !console.Profile.Capabilities.Ansi)
        {
            TimeSpan? last = null;
            return await work(new DirectProgress<ProgressUpdate>(update =>
            {
                var line = Line(update);
                if (last is null || Elapsed() - last >= plainInterval)
                {
                    last = Elapsed();
                    console.Profile.Out.Writer.WriteLine($"{description}: {line}");
                }
            }));
        }

        return await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(description, maxValue: 1.0);
                task.IsIndeterminate = true;
                var result = await work(new DirectProgress<ProgressUpdate>(update =>
                {
                    var line = Line(update);
                    task.IsIndeterminate = update.Total is not > 0;
                    if (update.Total is > 0 and var total)
                    {
                        task.Value = Math.Min((double)update.Done / total, 1.0);
                    }

                    task.Description = $"{description} [grey]{Markup.Escape(line)}[/]";
                }));
                task.Value = task.MaxValue;
                task.StopTask();
                return result;
            });
    }

    /// <summary>"12% (6,000 of 50,000 lines), 118 lines/s, 2:01:05 left; 5,990 hashed, 10 rejected".</summary>
    internal static string Describe(ProgressUpdate update, ProgressRate rate)
    {
        var done = update.Total is > 0 and var total
            ? string.Create(CultureInfo.InvariantCulture, $"{Math.Floor(Math.Min((double)update.Done / total, 1.0) * 100)}% ({update.Done:N0} of {total:N0} {update.Unit})")
            : string.Create(CultureInfo.InvariantCulture, $"{update.Done:N0} {update.Unit}");
        var speed = rate.PerSecond is { } perSecond ? string.Create(CultureInfo.InvariantCulture, $", {perSecond:N0} {update.Unit}/s") : "";
        var left = rate.Remaining(update.Done, update.Total) is { } remaining ? $", {FormatDuration(remaining)} left" : "";
        return $"{done}{speed}{left}{(update.Detail.Length > 0 ? "; " + update.Detail : "")}";
    }

    /// <summary>h:mm:ss, with days when there are any ("3d 04:05:06"): a hash job can run for weeks.</summary>
    internal static string FormatDuration(TimeSpan span)
    {
        var rounded = TimeSpan.FromSeconds(Math.Round(span.TotalSeconds));
        return rounded.ToString(rounded.TotalDays >= 1 ? @"d\d\ hh\:mm\:ss" : @"h\:mm\:ss", CultureInfo.InvariantCulture);
    }
}

/// <summary>Progress reported where it happens, in order: <see cref="Progress{T}"/> posts to the thread pool, out of order and after the work has ended.</summary>
internal sealed class DirectProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
