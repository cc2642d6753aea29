using System.Diagnostics;

namespace Fleet.Tests.Gateway.Infrastructure;

/// <summary>
/// The tests' one "eventually": re-checks a condition until it holds or a generous timeout passes, then fails with
/// what it was waiting for. For state that has no event to await (a store row, an HTTP answer, a counter); where an
/// event exists (a message, a process exit, a DOM change), await that instead. The timeout only bounds a hung test;
/// nothing asserts how long the wait took.
/// </summary>
internal static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);

    /// <summary>Waits until <paramref name="probe"/> returns a value and returns it.</summary>
    public static async Task<T> ValueAsync<T>(Func<Task<T?>> probe, string what, TimeSpan? timeout = null)
        where T : class
    {
        var limit = timeout ?? DefaultTimeout;
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            if (Stopwatch.GetElapsedTime(started) > limit)
            {
                throw new TimeoutException("timed out waiting for " + what);
            }

            await Task.Delay(Interval);
        }
    }

    public static async Task TrueAsync(Func<Task<bool>> probe, string what, TimeSpan? timeout = null) =>
        await ValueAsync(async () => await probe() ? "ok" : null, what, timeout);

    public static Task TrueAsync(Func<bool> probe, string what, TimeSpan? timeout = null) =>
        TrueAsync(() => Task.FromResult(probe()), what, timeout);
}
