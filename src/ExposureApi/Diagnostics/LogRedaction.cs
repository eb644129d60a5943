using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ExposureApi.Diagnostics;

/// <summary>
/// The last line of defence for "a number never reaches a log": every logger the host creates (the framework's,
/// Kestrel's, ours) writes through this filter, which replaces any run of six or more digits in the text it is given
/// (request targets, paths, messages, scopes, exception text) before any provider sees it. Digits of every script
/// count (ASCII, Arabic-Indic, Devanagari, fullwidth…), percent-encoded or not, with the spaces, dashes, dots and
/// brackets people write numbers with.
/// </summary>
/// <remarks>
/// Only text is redacted: a count or a duration logged as a number stays as it is, so the service's own figures are
/// untouched. A request's path is text, so <c>/api/v1/breaches/12345678</c> is logged as
/// <c>/api/v1/breaches/[redacted]</c>. Identifiers the service itself makes are logged as <see cref="Verbatim"/>.
/// </remarks>
internal static class LogRedaction
{
    public const string Placeholder = "[redacted]";
    private const int MinimumDigits = 6;

    /// <summary>Routes every logger of the host through the redaction, whatever providers are added before or after.</summary>
    public static ILoggingBuilder AddNumberRedaction(this ILoggingBuilder logging)
    {
        logging.Services.Replace(ServiceDescriptor.Singleton<ILoggerFactory>(services => new RedactingLoggerFactory(new LoggerFactory(
            services.GetServices<ILoggerProvider>(),
            services.GetRequiredService<IOptionsMonitor<LoggerFilterOptions>>(),
            services.GetService<IOptions<LoggerFactoryOptions>>(),
            services.GetService<IExternalScopeProvider>()))));
        return logging;
    }

    /// <summary>A value the service made itself (a request id), which holds no number and is logged as it is.</summary>
    public readonly record struct Verbatim(string Value)
    {
        public override string ToString() => Value;
    }

    /// <summary><paramref name="text"/> with every run of six or more digits replaced by <see cref="Placeholder"/>.</summary>
    public static string Redact(string text)
    {
        StringBuilder? result = null;
        var copied = 0;
        var i = 0;
        while (i < text.Length)
        {
            // A run: digits and the separators written between them, with at least one digit.
            var start = i;
            var end = i;
            var digits = 0;
            var position = i;
            while (position < text.Length && Read(text, position, out var length) is var kind && kind != Kind.Other)
            {
                position += length;
                if (kind == Kind.Digit)
                {
                    digits++;
                    end = position;
                }
                else if (digits == 0)
                {
                    start = position; // separators before the first digit are not part of the number
                }
            }

            if (digits >= MinimumDigits && !IsIPv4Address(text.AsSpan(start, end - start)) && !IsIsoDate(text.AsSpan(start, end - start)))
            {
                result ??= new StringBuilder(text.Length);
                result.Append(text, copied, start - copied).Append(Placeholder);
                copied = end;
            }

            i = position > i ? position : i + (char.IsSurrogatePair(text, i) ? 2 : 1);
        }

        return result is null ? text : result.Append(text, copied, text.Length - copied).ToString();
    }

    // An IPv4 address has six or more digits often enough (127.0.0.1) and is no phone number: four dot-separated groups of up to three.
    private static bool IsIPv4Address(ReadOnlySpan<char> run) =>
        run.Count('.') == 3 && System.Net.IPAddress.TryParse(run, out var address) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork
        && !run.ContainsAnyExcept(DottedDecimal);

    private static readonly System.Buffers.SearchValues<char> DottedDecimal = System.Buffers.SearchValues.Create("0123456789.");

    // A date written yyyy-MM-dd is no phone number either, and logs are full of them.
    private static bool IsIsoDate(ReadOnlySpan<char> run) =>
        run.Length == 10 && DateOnly.TryParseExact(run, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    private enum Kind
    {
        Other,
        Digit,
        Separator,
    }

    // One character, or one percent-encoded UTF-8 character (%37, %E0%A5%AD), and what it is.
    private static Kind Read(string text, int index, out int length)
    {
        Rune rune;
        if (text[index] == '%' && DecodePercent(text, index, out rune, out length))
        {
            return Classify(rune);
        }

        if (Rune.DecodeFromUtf16(text.AsSpan(index), out rune, out length) != System.Buffers.OperationStatus.Done)
        {
            length = 1;
            return Kind.Other;
        }

        return Classify(rune);
    }

    private static Kind Classify(Rune rune) =>
        Rune.IsDigit(rune) ? Kind.Digit
        : rune.Value is ' ' or '-' or '.' or '(' or ')' or '/' or '+' or '\u00A0' or '\u2010' or '\u2011' or '\u2012' or '\u2013' or '\u2212' or '\u3000' ? Kind.Separator
        : Kind.Other;

    private static bool DecodePercent(string text, int index, out Rune rune, out int length)
    {
        Span<byte> bytes = stackalloc byte[4];
        var count = 0;
        var position = index;
        while (count < 4 && position + 2 < text.Length && text[position] == '%'
            && byte.TryParse(text.AsSpan(position + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var b))
        {
            bytes[count++] = b;
            position += 3;
            if (Rune.DecodeFromUtf8(bytes[..count], out rune, out var used) == System.Buffers.OperationStatus.Done && used == count)
            {
                length = position - index;
                return true;
            }
        }

        rune = default;
        length = 0;
        return false;
    }

    /// <summary>The value as the log will show it: text redacted, numbers and the service's own identifiers as they are.</summary>
    private static object? RedactValue(object? value) => value switch
    {
        null or bool or Enum or Verbatim or DateTime or DateTimeOffset or TimeSpan or Guid or ActivityTraceId or ActivitySpanId => value,
        string text => Redact(text),
        System.Collections.IEnumerable items => Redact(string.Join(", ", items.Cast<object?>().Select(i => Convert.ToString(i, CultureInfo.InvariantCulture) ?? "(null)"))),
        _ when value.GetType().IsPrimitive || value is decimal => value,
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) is { } text && Redact(text) is var redacted && !ReferenceEquals(redacted, text) ? redacted : value,
    };

    private sealed class RedactingLoggerFactory(LoggerFactory inner) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName) => new RedactingLogger(inner.CreateLogger(categoryName));

        public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

        public void Dispose() => inner.Dispose();
    }

    private sealed class RedactingLogger(ILogger inner) : ILogger
    {
        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull =>
            state is IReadOnlyList<KeyValuePair<string, object?>> values
                ? inner.BeginScope(new RedactedValues(values, Format(values) ?? Redact(state.ToString() ?? "")))
                : inner.BeginScope(RedactValue(state) ?? "");

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!inner.IsEnabled(logLevel))
            {
                return;
            }

            var exceptionText = exception?.ToString();
            var safeException = exceptionText is not null && Redact(exceptionText) is var text && !ReferenceEquals(text, exceptionText)
                ? new RedactedException(exception!, text)
                : exception;
            if (state is IReadOnlyList<KeyValuePair<string, object?>> values)
            {
                string message;
                try
                {
                    message = Format(values) ?? Redact(formatter(state, exception));
                }
                catch (FormatException)
                {
                    message = Redact(formatter(state, exception));
                }

                inner.Log(logLevel, eventId, new RedactedValues(values, message), safeException, static (s, _) => s.ToString());
            }
            else
            {
                inner.Log(logLevel, eventId, Redact(formatter(state, exception)), safeException, static (s, _) => s);
            }
        }

        // The message rebuilt from its template with redacted values, so that only text is redacted, never a count.
        private static string? Format(IReadOnlyList<KeyValuePair<string, object?>> values)
        {
            if (values.Count == 0 || values[^1] is not { Key: "{OriginalFormat}", Value: string template })
            {
                return null;
            }

            var result = new StringBuilder(template.Length + 32);
            var hole = 0;
            for (var i = 0; i < template.Length; i++)
            {
                var c = template[i];
                if ((c == '{' || c == '}') && i + 1 < template.Length && template[i + 1] == c)
                {
                    result.Append(c);
                    i++;
                }
                else if (c == '{' && template.IndexOf('}', i) is var close and > 0 && hole < values.Count - 1)
                {
                    var spec = template[(i + 1)..close];
                    var format = spec.IndexOfAny([',', ':']) is var at and >= 0 ? spec[at..] : "";
                    result.Append(string.Format(CultureInfo.InvariantCulture, "{0" + format + "}", RedactValue(values[hole++].Value) ?? "(null)"));
                    i = close;
                }
                else
                {
                    result.Append(c);
                }
            }

            return result.ToString();
        }
    }

    private sealed class RedactedValues(IReadOnlyList<KeyValuePair<string, object?>> values, string message) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public KeyValuePair<string, object?> this[int index] =>
            values[index] is var pair && pair.Key == "{OriginalFormat}" ? pair : new(pair.Key, RedactValue(pair.Value));

        public int Count => values.Count;

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            for (var i = 0; i < Count; i++)
            {
                yield return this[i];
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => message;
    }

    /// <summary>An exception whose text held a number: the same type name and trace, the number replaced.</summary>
    private sealed class RedactedException(Exception original, string text) : Exception(Redact(original.Message))
    {
        public override string? StackTrace => null;

        public override string ToString() => text;
    }
}
