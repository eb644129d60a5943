using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ExposureApi.Tests;

/// <summary>
/// Captures every log entry at every level with everything a real sink could write: the formatted message,
/// each structured value, every scope and the whole exception.
/// </summary>
public sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<string> _entries = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyCollection<string> Entries => _entries;

    public string AllText => string.Join('\n', _entries);

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(CapturingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => provider._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var entry = new System.Text.StringBuilder();
            entry.Append(logLevel).Append(' ').Append(category).Append('[').Append(eventId.Id).Append("]: ").Append(formatter(state, exception));
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                foreach (var (key, value) in values)
                {
                    entry.Append(" | ").Append(key).Append('=').Append(value);
                }
            }

            provider._scopes.ForEachScope((scope, builder) =>
            {
                builder.Append(" | scope: ").Append(scope);
                if (scope is IEnumerable<KeyValuePair<string, object?>> scopeValues)
                {
                    foreach (var (key, value) in scopeValues)
                    {
                        builder.Append(' ').Append(key).Append('=').Append(value);
                    }
                }
            }, entry);

            if (exception is not null)
            {
                entry.Append(" | exception: ").Append(exception);
            }

            provider._entries.Enqueue(entry.ToString());
        }
    }
}
