using System.Diagnostics;
using System.Text.RegularExpressions;

namespace ExposureApi.Diagnostics;

/// <summary>
/// One log line per request, in place of the host's own "Request starting/finished" lines (whose category is
/// switched off in Program.cs because they, and the scope they open, carry the raw path). Logs the route template
/// when one matched, otherwise the path with every run of digits replaced, so a number typed into a URL is never
/// written.
/// </summary>
/// <remarks>
/// A crowd is turned away tens of thousands of times a second (429, 503): one Information line each would write
/// gigabytes a minute and take the CPU the hashes need. Those lines are Debug; instead one Warning at most every
/// <see cref="TurnedAwaySummary.Interval"/> says how many were turned away, and the metrics count every one.
/// </remarks>
internal static partial class RequestLogging
{
    public static IApplicationBuilder UseRequestLogging(this IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("ExposureApi.Requests");
        var turnedAway = new TurnedAwaySummary(logger);
        return app.Use(async (context, next) =>
        {
            var started = Stopwatch.GetTimestamp();
            using var scope = RequestScope(logger, new LogRedaction.Verbatim(context.TraceIdentifier));
            try
            {
                await next(context);
            }
            finally
            {
                var status = context.Response.StatusCode;
                var level = LogLevel.Information;
                if (status is StatusCodes.Status429TooManyRequests or StatusCodes.Status503ServiceUnavailable)
                {
                    turnedAway.Record(status);
                    level = LogLevel.Debug;
                }

                if (logger.IsEnabled(level))
                {
                    var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? Redact(context.Request.Path.Value);
                    var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    LogRequest(logger, level, context.Request.Method, route, status, elapsed);
                }
            }
        });
    }

    private static readonly Func<ILogger, LogRedaction.Verbatim, IDisposable?> RequestScope = LoggerMessage.DefineScope<LogRedaction.Verbatim>("RequestId:{RequestId}");

    public static string Redact(string? path) => Digits().Replace(path ?? "", "#");

    [LoggerMessage(Message = "HTTP {Method} {Route} responded {StatusCode} in {ElapsedMs:F1} ms")]
    private static partial void LogRequest(ILogger logger, LogLevel level, string method, string route, int statusCode, double elapsedMs);

    [GeneratedRegex(@"[0-9]+")]
    private static partial Regex Digits();

    /// <summary>
    /// Counts turned-away requests. The first one logs at once (pushback has begun); after that, the first one past
    /// each interval logs how many there were since the last summary.
    /// </summary>
    private sealed partial class TurnedAwaySummary(ILogger logger)
    {
        public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

        private long _busy;
        private long _rateLimited;
        private long _lastSummary = Stopwatch.GetTimestamp();
        private int _summarised;

        public void Record(int status)
        {
            Interlocked.Increment(ref status == StatusCodes.Status503ServiceUnavailable ? ref _busy : ref _rateLimited);
            var last = Interlocked.Read(ref _lastSummary);
            var now = Stopwatch.GetTimestamp();
            if ((Volatile.Read(ref _summarised) == 1 && Stopwatch.GetElapsedTime(last, now) < Interval)
                || Interlocked.CompareExchange(ref _lastSummary, now, last) != last)
            {
                return;
            }

            Volatile.Write(ref _summarised, 1);
            var busy = Interlocked.Exchange(ref _busy, 0);
            var rateLimited = Interlocked.Exchange(ref _rateLimited, 0);
            LogTurnedAway(logger, busy, rateLimited, Stopwatch.GetElapsedTime(last, now).TotalSeconds);
        }

        [LoggerMessage(Level = LogLevel.Warning, Message = "Turned away {Busy} requests as busy (503) and {RateLimited} as rate limited (429) in the last {Seconds:F0} s")]
        private static partial void LogTurnedAway(ILogger logger, long busy, long rateLimited, double seconds);
    }
}
