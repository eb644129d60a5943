using ExposureApi.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ExposureApi.Tests;

/// <summary>What the log filter takes out, and what it must leave alone for the logs to stay useful.</summary>
public sealed partial class LogRedactionTests
{
    private static readonly Func<ILogger, string, IDisposable?> PathScope = LoggerMessage.DefineScope<string>("Path:{Path}");

    [Theory]
    [InlineData("/api/v1/breaches/447700900123", "/api/v1/breaches/[redacted]")]
    [InlineData("/api/v3/breachedaccount/+44 7700 900123", "/api/v3/breachedaccount/+[redacted]")]
    [InlineData("/x/%2B44%207700%20900123/y", "/x/%2B[redacted]/y")]
    [InlineData("/x/(077) 009-00123.", "/x/([redacted].")]
    [InlineData("/x/%37%37%30%30%39%30%30%31%32%33", "/x/[redacted]")]
    [InlineData("/x/\u0664\u0664\u0667\u0667\u0660\u0660\u0669", "/x/[redacted]")]
    [InlineData("/x/\u096A\u096A\u096D\u096D\u0966\u0966\u096F", "/x/[redacted]")]
    [InlineData("/x/\uFF14\uFF14\uFF17\uFF17\uFF10\uFF10", "/x/[redacted]")]
    [InlineData("/x/%E0%A5%AA%E0%A5%AA%E0%A5%AD%E0%A5%AD%E0%A5%A6%E0%A5%A6", "/x/[redacted]")]
    [InlineData("Now listening on: http://127.0.0.1:41234", "Now listening on: http://127.0.0.1:41234")]
    [InlineData("order 12345 of 2024-11-27", "order 12345 of 2024-11-27")]
    [InlineData("", "")]
    public void RunsOfSixOrMoreDigitsInAnyScriptAreReplaced(string text, string expected) =>
        Assert.Equal(expected, LogRedaction.Redact(text));

    // Only text is redacted: counts and durations the service logs as numbers stay as they are.
    [Fact]
    public void NumbersLoggedAsNumbersStayAndTextIsRedactedInTheMessageAndTheValues()
    {
        var capture = new CapturingLoggerProvider();
        using var services = new ServiceCollection()
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(capture).AddNumberRedaction())
            .BuildServiceProvider();
        var logger = services.GetRequiredService<ILogger<LogRedactionTests>>();

        using (PathScope(logger, "/api/v1/breaches/447700900123"))
        {
            LogLoaded(logger, 12_345_678L, "/dumps/447700900123.txt", 1.5);
        }

        LogFailed(logger, new InvalidOperationException("bad target /447700900123"));

        var text = capture.AllText;
        Assert.Contains("Loaded 12345678 rows from /dumps/[redacted].txt in 1.5 s", text, StringComparison.Ordinal);
        Assert.Contains("Path=/api/v1/breaches/[redacted]", text, StringComparison.Ordinal);
        Assert.Contains("System.InvalidOperationException: bad target /[redacted]", text, StringComparison.Ordinal);
        Assert.DoesNotContain("447700900123", text, StringComparison.Ordinal);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {Rows} rows from {Path} in {Seconds:F1} s")]
    private static partial void LogLoaded(ILogger logger, long rows, string path, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
