using System.Diagnostics;
using System.Text.RegularExpressions;

namespace ExposureApi.Diagnostics;

/// <summary>
/// One log line per request, in place of the host's own "Request starting/finished" lines (whose category is
/// switched off in Program.cs because they, and the scope they open, carry the raw path). Logs the route template
/// when one matched, otherwise the path with every run of digits replaced, so a number typed into a URL is never
/// written.
/// </summary>
internal static partial class RequestLogging
{
    public static IApplicationBuilder UseRequestLogging(this IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("ExposureApi.Requests");
        return app.Use(async (context, next) =>
        {
            var started = Stopwatch.GetTimestamp();
            using var scope = RequestScope(logger, context.TraceIdentifier);
            try
            {
                await next(context);
            }
            finally
            {
                if (logger.IsEnabled(LogLevel.Information))
                {
                    var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? Redact(context.Request.Path.Value);
                    var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    LogRequest(logger, context.Request.Method, route, context.Response.StatusCode, elapsed);
                }
            }
        });
    }

    private static readonly Func<ILogger, string, IDisposable?> RequestScope = LoggerMessage.DefineScope<string>("RequestId:{RequestId}");

    public static string Redact(string? path) => Digits().Replace(path ?? "", "#");

    [LoggerMessage(Level = LogLevel.Information, Message = "HTTP {Method} {Route} responded {StatusCode} in {ElapsedMs:F1} ms")]
    private static partial void LogRequest(ILogger logger, string method, string route, int statusCode, double elapsedMs);

    [GeneratedRegex(@"[0-9]+")]
    private static partial Regex Digits();
}
