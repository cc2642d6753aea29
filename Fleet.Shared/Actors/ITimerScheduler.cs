namespace Fleet.Shared.Actors;

/// <summary>Timers owned by an actor that deliver messages to itself, identified by key.</summary>
/// <remarks>
/// Starting a timer with a key that is in use replaces it, and a message of a replaced or cancelled timer is not
/// delivered even if it was already queued. Timers run on the system's <see cref="TimeProvider"/> and are cancelled
/// when the actor restarts or stops. Timer messages arrive with no sender.
/// </remarks>
public interface ITimerScheduler
{
    /// <summary>Delivers <paramref name="message"/> once after <paramref name="delay"/>.</summary>
    void StartSingleTimer(object key, object message, TimeSpan delay);

    /// <summary>Delivers <paramref name="message"/> every <paramref name="interval"/>.</summary>
    void StartPeriodicTimer(object key, object message, TimeSpan interval);

    /// <summary>Delivers <paramref name="message"/> after <paramref name="initialDelay"/>, then every <paramref name="interval"/>.</summary>
    void StartPeriodicTimer(object key, object message, TimeSpan initialDelay, TimeSpan interval);

    /// <summary>Whether a timer with <paramref name="key"/> is pending.</summary>
    bool IsTimerActive(object key);

    /// <summary>Cancels the timer with <paramref name="key"/>, if any.</summary>
    void Cancel(object key);

    /// <summary>Cancels all timers of the actor.</summary>
    void CancelAll();
}
