using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Fleet.Tests.Device.Hardware;

/// <summary>Keeps what was logged, to check that a condition is reported once and clearly.</summary>
internal sealed class RecordingLogger : ILogger
{
    public ConcurrentQueue<(LogLevel Level, EventId Event, string Message)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Enqueue((logLevel, eventId, formatter(state, exception)));

    public IReadOnlyList<string> Messages(int eventId) => [.. Entries.Where(e => e.Event.Id == eventId).Select(e => e.Message)];
}
