using ExposureApi.Core.Hashing;
using ExposureApi.Core.Storage;
using Microsoft.Extensions.Options;

namespace ExposureApi.Configuration;

/// <summary>Turns a start-up failure the operator must fix into one clear message on standard error.</summary>
internal static partial class StartupFailure
{
    public static bool IsConfigurationError(Exception e) => Causes(e).Any(IsKnown);

    public static void Report(ILogger? logger, Exception e)
    {
        var messages = Causes(e).Where(IsKnown)
            .SelectMany(x => x is OptionsValidationException invalid ? invalid.Failures : [x.Message])
            .Distinct()
            .ToList();
        var list = string.Join(Environment.NewLine + "  - ", messages.Prepend(""));
        if (logger is not null)
        {
            LogRefused(logger, messages.Count, list);
        }

        Console.Error.WriteLine("ExposureApi refused to start:");
        foreach (var message in messages)
        {
            Console.Error.WriteLine($"  - {message}");
        }
    }

    /// <summary>A failure that is not a known misconfiguration: logged whole, with one line on standard error.</summary>
    public static void ReportUnexpected(ILogger? logger, Exception e)
    {
        if (logger is not null)
        {
            LogFailed(logger, e);
        }

        Console.Error.WriteLine($"ExposureApi failed to start: {e}");
    }

    private static bool IsKnown(Exception e) =>
        e is OptionsValidationException or SchemeMismatchException or StoreException or HashEngineException || IsUnreadableSetting(e);

    // The configuration binder's own words name the setting and the type it wanted ("Failed to convert configuration
    // value at 'Exposure:Hashing:MemoryKiB' to type 'System.Int32'."); its inner exception says why.
    private static bool IsUnreadableSetting(Exception e) =>
        e is InvalidOperationException && e.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal);

    private static IEnumerable<Exception> Causes(Exception e)
    {
        yield return e;
        var inner = e is AggregateException aggregate ? aggregate.InnerExceptions : e.InnerException is { } one ? [one] : [];
        foreach (var cause in inner.SelectMany(Causes))
        {
            yield return cause;
        }
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "ExposureApi failed to start")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Critical, Message = "ExposureApi refused to start ({Count} problems):{Problems}")]
    private static partial void LogRefused(ILogger logger, int count, string problems);
}
