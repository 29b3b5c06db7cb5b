using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Bottleneck.Cli.Serving;

/// <summary>
/// Structured logs as one JSON object a line: time, level, category, message and the message's named values
/// ({"method":"POST","path":"/v1/score","status":200,"rows":3,"ms":1.2}), which a log shipper reads as fields.
/// </summary>
internal sealed class JsonLineLoggerProvider(TextWriter writer) : ILoggerProvider
{
    readonly object gate = new();
    readonly TextWriter writer = writer;
    static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    sealed class Logger(JsonLineLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var entry = new Dictionary<string, object?>
            {
                ["time"] = DateTimeOffset.UtcNow.ToString("O"),
                ["level"] = logLevel.ToString().ToLowerInvariant(),
                ["category"] = category,
                ["message"] = formatter(state, exception),
            };
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
                foreach (var (key, value) in values)
                    if (key != "{OriginalFormat}") entry[key] = value;
            if (exception is not null) entry["exception"] = exception.ToString();
            var line = JsonSerializer.Serialize(entry, Json);
            lock (provider.gate)
            {
                provider.writer.WriteLine(line);
                provider.writer.Flush();
            }
        }
    }
}
