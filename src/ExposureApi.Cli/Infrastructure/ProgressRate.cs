namespace ExposureApi.Cli.Infrastructure;

/// <summary>
/// The rate of recent work and the time left at that rate. The rate is measured over the last
/// <see cref="Window"/> of reports, not since the start, so a slow start (engine start-up, a cold disk) or a change of
/// pace stops counting after a while, and it is measured between reports of work finished, never work read ahead.
/// </summary>
internal sealed class ProgressRate
{
    private readonly Queue<(TimeSpan At, long Done)> _samples = new();

    /// <summary>How far back the rate looks.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Units done per second over the window, or null until two reports are far enough apart to tell.</summary>
    public double? PerSecond { get; private set; }

    /// <summary>Records that <paramref name="done"/> units were finished at <paramref name="at"/> (time since the start).</summary>
    public void Add(TimeSpan at, long done)
    {
        _samples.Enqueue((at, done));
        // Keep one sample older than the window, so the rate always spans at least the whole window once it can.
        while (_samples.Count > 2 && at - _samples.ElementAt(1).At >= Window)
        {
            _samples.Dequeue();
        }

        var (oldestAt, oldestDone) = _samples.Peek();
        var span = (at - oldestAt).TotalSeconds;
        PerSecond = span >= 0.05 ? Math.Max(done - oldestDone, 0) / span : PerSecond;
    }

    /// <summary>The time left to reach <paramref name="total"/> from <paramref name="done"/> at the recent rate, or null when unknown.</summary>
    public TimeSpan? Remaining(long done, long? total) =>
        total is { } t && PerSecond is > 0 and var rate ? TimeSpan.FromSeconds(Math.Max(t - done, 0) / rate) : null;
}
